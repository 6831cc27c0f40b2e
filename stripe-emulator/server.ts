import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApi, type HeldResponses } from "./api/handle-api";
import { loadEmulatorConfig, type EmulatorConfig } from "./config";
import type { EmulatorContext } from "./context";
import { expireDueSessions } from "./domain/checkout";
import { decideDispute, openDispute, type DisputeKind } from "./domain/disputes";
import { resourceMissing } from "./errors";
import type { Dispute, DisputeReason } from "./objects/dispute";
import { handleControl } from "./http/handle-control";
import { handlePages } from "./http/handle-pages";
import { sendJson } from "./http/io";
import { createScheduler } from "./scheduler";
import { initialSettings, type RuntimeSettings } from "./settings";
import { clearState, createState, type EmulatorState } from "./store";
import { createDispatcher } from "./webhooks/dispatcher";

export type StartOptions = Partial<EmulatorConfig> & {
  /** Emulated clock (ms since epoch); defaults to Date.now. */
  now?: () => number;
  /** Chaos dice; tests pass a fixed sequence. */
  random?: () => number;
  merchantName?: string;
};

export type RunningEmulator = {
  /** Base URL of the API (what the SDK's host/port point at). */
  url: string;
  port: number;
  /** Origin used in session.url for the hosted pages. */
  publicUrl: string;
  /** The API key it accepts and the secret it signs webhooks with (given, or random for this start). */
  secretKey: string;
  webhookSecret: string;
  state: EmulatorState;
  settings: RuntimeSettings;
  /** In-process twins of POST /_emulator/charges/:id/dispute and /_emulator/disputes/:id/close. */
  disputes: {
    open(chargeId: string, options?: { reason?: DisputeReason; amount?: number; kind?: DisputeKind }): Dispute;
    decide(disputeId: string, outcome: "won" | "lost"): Dispute;
  };
  reset(): void;
  stop(): Promise<void>;
};

export { DISPUTE_FEE, EVIDENCE_DAYS, TEST_EVIDENCE, type DisputeKind } from "./domain/disputes";
export { DISPUTE_CARDS } from "./domain/pay";
export type { Dispute, DisputeReason, DisputeStatus } from "./objects/dispute";
export type { BalanceTransaction } from "./objects/balance-transaction";
export type { Refund } from "./objects/refund";
export type { Charge } from "./objects/charge";

const EXPIRY_SWEEP_MS = 500;

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A random credential, e.g. `whsec_…`: never a constant, which anybody could read here. */
export function randomSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString("hex")}`;
}

export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const { now: baseNow = Date.now, random = Math.random, merchantName = "Paperleaf Books", ...overrides } = options;
  const loaded: EmulatorConfig = { ...loadEmulatorConfig(), ...definedOnly(overrides) };
  const config = {
    ...loaded,
    secretKey: loaded.secretKey ?? randomSecret("sk_test_"),
    webhookSecret: loaded.webhookSecret ?? randomSecret("whsec_"),
  };
  let clockOffset = 0;
  const scheduler = createScheduler();
  const settings = initialSettings(config);
  const held: HeldResponses = new Set();
  const server = createServer();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl = config.publicUrl ?? `http://localhost:${port}`;
  const apiHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${apiHost.includes(":") ? `[${apiHost}]` : apiHost}:${port}`;

  const fullConfig = { ...config, port, publicUrl };
  const ctx: EmulatorContext = {
    config: fullConfig,
    settings,
    state: createState(),
    now: () => baseNow() + clockOffset,
    scheduler,
    webhooks: createDispatcher({ settings, scheduler, config: fullConfig }, random),
    merchantName,
  };

  const releaseHeld = () => {
    for (const res of held) res.destroy();
    held.clear();
  };
  const actions = {
    reset() {
      ctx.webhooks.reset();
      scheduler.clear();
      clearState(ctx.state);
      Object.assign(settings, initialSettings(config));
      clockOffset = 0;
      releaseHeld();
    },
    setClockOffset: (ms: number) => void (clockOffset = ms),
    clockOffset: () => clockOffset,
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", "http://emulator.invalid");
    if (requestUrl.pathname.startsWith("/v1/")) return handleApi(ctx, req, res, requestUrl, held);
    if (requestUrl.pathname.startsWith("/_emulator/")) return handleControl(ctx, actions, req, res, requestUrl);
    if (await handlePages(ctx, req, res, requestUrl)) return;
    if (requestUrl.pathname === "/favicon.ico") return void res.writeHead(204).end();
    sendJson(res, 404, {
      error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${requestUrl.pathname}).` },
    });
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      console.error("stripe-emulator: request failed", error);
      if (!res.headersSent) sendJson(res, 500, { error: { type: "api_error", message: "Internal emulator error." } });
      else res.destroy();
    });
  });

  const sweep = setInterval(() => expireDueSessions(ctx), EXPIRY_SWEEP_MS);
  sweep.unref();

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    publicUrl,
    secretKey: config.secretKey,
    webhookSecret: config.webhookSecret,
    state: ctx.state,
    settings,
    disputes: {
      open(chargeId, options = {}) {
        const charge = ctx.state.charges.get(chargeId);
        if (!charge) throw resourceMissing("charge", chargeId, "charge");
        return openDispute(ctx, charge, options.reason ?? "fraudulent", options.amount, options.kind);
      },
      decide: (disputeId, outcome) => decideDispute(ctx, disputeId, outcome),
    },
    reset: actions.reset,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(sweep);
        ctx.webhooks.reset();
        scheduler.clear();
        releaseHeld();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
