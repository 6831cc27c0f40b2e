import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";

// Production processes started by the specs themselves (the refusals, the
// standalone tree): each gets the environment a container would, and nothing
// inherited from the test runner but PATH and HOME.

const e2ePort = Number(process.env.E2E_PORT ?? 3100);
/** Ports the production specs may use: E2E_PORT+20 … E2E_PORT+59 (the suite's server has +0 and +1). */
export const productionPort = (offset: number) => e2ePort + 20 + offset;

export type Output = { code: number | null; stdout: string; stderr: string };

function serverUrl(database: string): string {
  const url = new URL(readFileSync(".data/e2e-database-url", "utf8").trim());
  url.pathname = `/${database}`;
  return url.toString();
}

/** An empty database (no schema) on the e2e server's PostgreSQL, and its drop. */
export async function emptyDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = postgres(serverUrl("postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return {
    url: serverUrl(name),
    drop: async () => {
      const sql = postgres(serverUrl("postgres"), { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`).finally(() => sql.end());
    },
  };
}

export const randomSecret = (prefix: string) => `${prefix}${randomBytes(24).toString("hex")}`;

/** Settings a production server starts with: every refusal test changes exactly one of them. */
export function productionEnv(port: number, databaseUrl: string, gateway: { apiBase: string; secretKey: string; webhookSecret: string }) {
  return {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    APP_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: randomSecret("prod-"),
    STRIPE_EMULATOR: "on",
    STRIPE_API_BASE: gateway.apiBase,
    STRIPE_WEBHOOK_SECRET: gateway.webhookSecret,
    EMULATOR_SECRET_KEY: gateway.secretKey,
    METRICS_TOKEN: randomSecret("metrics-"),
    LOG_FORMAT: "json",
    LOG_LEVEL: "warn",
  } as Record<string, string | undefined>;
}

function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

export type Started = { child: ChildProcess; output: () => Output; exited: Promise<Output>; stop: () => Promise<Output> };

/** Starts `node <args>` in `cwd` with exactly `env` (plus PATH, HOME, NODE_ENV=production). */
export function startNode(args: string[], options: { cwd?: string; env: Record<string, string | undefined> }): Started {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: cleanEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += String(chunk)));
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  const output = () => ({ code: child.exitCode, stdout, stderr });
  const exited = new Promise<Output>((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Runs `node <args>` to its end (or kills it after `timeoutMs`). */
export async function runNode(
  args: string[],
  options: { cwd?: string; env: Record<string, string | undefined>; timeoutMs?: number },
): Promise<Output> {
  const started = startNode(args, options);
  const timer = setTimeout(() => started.child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const result = await started.exited;
  clearTimeout(timer);
  return result;
}

/** Waits until `url` answers `ok`, or the process exits (then throws with its output). */
export async function waitUntilServing(started: Started, url: string, timeoutMs = 60_000, ok = (r: Response) => r.ok): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null)
      throw new Error(`exited ${started.child.exitCode}: ${started.output().stderr}${started.output().stdout}`);
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (response && ok(response)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${started.output().stderr}`);
}

/** The lines a process wrote to stderr, without blank ones. */
export const stderrLines = (output: Output) => output.stderr.split("\n").filter((line) => line.trim() !== "");
