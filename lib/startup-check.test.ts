import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/env";
import { demoGatewaySecrets } from "@/scripts/lib/demo-gateway";
import { checkSettings, publishedSecret } from "./startup-check";

// The rules behind the production server's refusals (e2e/production/refusals.spec.ts
// starts the real server with each bad setting; this checks the rules themselves).

const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://app@db.internal:5432/books",
  NEXTAUTH_SECRET: "Zk3v9Qm2Lr8Xw1Tn6Yp4Bs7Hc0Jd5Fg2Ka9Ue3Wi",
  APP_URL: "https://books.example.com",
  STRIPE_SECRET_KEY: "sk_live_x",
  STRIPE_WEBHOOK_SECRET: "whsec_Qm2Lr8Xw1Tn6Yp4Bs7Hc0Jd5Fg2Zk3v9",
};
const verdict = (changes: Record<string, string | undefined>) => checkSettings(loadEnv({ ...production, ...changes }));

describe("production settings", () => {
  it("a complete real-Stripe configuration starts, with no warning but the missing SMTP", () => {
    expect(verdict({})).toEqual({ warnings: [expect.stringMatching(/^SMTP_URL is not set/)] });
    expect(verdict({ SMTP_URL: "smtp://mail.internal:587" })).toEqual({ warnings: [] });
  });

  it.each([
    [
      "STRIPE_SECRET_KEY without STRIPE_WEBHOOK_SECRET",
      { STRIPE_WEBHOOK_SECRET: undefined },
      /^STRIPE_WEBHOOK_SECRET is not set: with STRIPE_SECRET_KEY/,
    ],
    ["no STRIPE_SECRET_KEY, no STRIPE_EMULATOR", { STRIPE_SECRET_KEY: undefined }, /^STRIPE_SECRET_KEY is not set/],
    ["STRIPE_EMULATOR=on beside a key", { STRIPE_EMULATOR: "on" }, /^STRIPE_EMULATOR=on and STRIPE_SECRET_KEY are both set/],
    ["emulator without its key", { STRIPE_SECRET_KEY: undefined, STRIPE_EMULATOR: "on" }, /^EMULATOR_SECRET_KEY is not set/],
    ["NEXTAUTH_SECRET unset", { NEXTAUTH_SECRET: undefined }, /^NEXTAUTH_SECRET must be at least 32/],
    ["NEXTAUTH_SECRET of 31", { NEXTAUTH_SECRET: "x".repeat(31) }, /^NEXTAUTH_SECRET must be at least 32/],
    // Published with the source (an audit found them accepted): the development fallback, the e2e server's, a bench's.
    [
      "the development NEXTAUTH_SECRET",
      { NEXTAUTH_SECRET: "paperleaf-development-secret-not-for-production" },
      /^NEXTAUTH_SECRET is a value published with this project's source.*sign an operator's session/,
    ],
    [
      "the e2e server's NEXTAUTH_SECRET",
      { NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef0123456789" },
      /^NEXTAUTH_SECRET is a value published/,
    ],
    ["the e2e server's METRICS_TOKEN", { METRICS_TOKEN: "e2e-metrics-token-0123456789" }, /^METRICS_TOKEN is a value published/],
    [
      "a one-character webhook secret",
      { STRIPE_WEBHOOK_SECRET: "whsec_x" },
      /^STRIPE_WEBHOOK_SECRET must be the endpoint's signing secret/,
    ],
    [
      "a webhook secret without its prefix",
      { STRIPE_WEBHOOK_SECRET: "Qm2Lr8Xw1Tn6Yp4Bs7Hc0Jd5Fg2Zk3v9Aa" },
      /^STRIPE_WEBHOOK_SECRET must be/,
    ],
    [
      "a made-up webhook secret",
      { STRIPE_WEBHOOK_SECRET: "whsec_0123456789abcdef0123456789" },
      /^STRIPE_WEBHOOK_SECRET is a value published/,
    ],
    [
      "a made-up carrier secret",
      { CARRIER_SECRET: "csec_0123456789abcdef0123456789abcdef" },
      /^CARRIER_SECRET must be at least 32 characters and not a test/,
    ],
    ["APP_URL unset", { APP_URL: undefined }, /^APP_URL is not set/],
    ["APP_URL http:// on a public host", { APP_URL: "http://books.example.com" }, /^APP_URL must be https:\/\//],
    ["NEXTAUTH_URL elsewhere", { NEXTAUTH_URL: "https://other.example.com" }, /^NEXTAUTH_URL differs from APP_URL/],
    ["DEV_TOOLS on", { DEV_TOOLS: "on" }, /^DEV_TOOLS must be off/],
    ["no DATABASE_URL", { DATABASE_URL: undefined }, /^DATABASE_URL is not set/],
    ["a carrier without its callback secret", { CARRIER_API_KEY: "ck_live_0123456789abcdef" }, /^CARRIER_SECRET is not set/],
    ["a short carrier secret", { CARRIER_SECRET: "csec_0123456789abcdef" }, /^CARRIER_SECRET must be at least 32/],
    [
      "a test carrier secret",
      { CARRIER_SECRET: `csec_test_${"0".repeat(40)}` },
      /^CARRIER_SECRET must be at least 32 characters and not a test/,
    ],
    [
      "a carrier over plain http",
      {
        CARRIER_API_KEY: "ck_live_0123456789abcdef",
        CARRIER_SECRET: `csec_${"a".repeat(40)}`,
        CARRIER_API_BASE: "http://carrier.example.com",
      },
      /^CARRIER_API_BASE must be https:\/\//,
    ],
  ])("refuses %s", (_name, changes, refusal) => {
    expect(verdict(changes).refusal).toMatch(refusal);
  });

  it("takes no random secret for a published one", () => {
    for (let i = 0; i < 2_000; i++) {
      for (const secret of [
        randomBytes(32).toString("base64"),
        randomBytes(24).toString("hex"),
        `whsec_${randomBytes(24).toString("hex")}`,
      ]) {
        expect(publishedSecret(secret), secret).toBe(false);
      }
    }
    expect(verdict({ METRICS_TOKEN: randomBytes(24).toString("base64url"), SMTP_URL: "smtp://m:25" })).toEqual({ warnings: [] });
  });

  it("a carrier with a long secret over https starts", () => {
    const carrier = {
      CARRIER_API_KEY: "ck_live_0123456789abcdef",
      CARRIER_SECRET: `csec_${"a".repeat(40)}`,
      CARRIER_API_BASE: "https://api.carrier.example",
    };
    expect(verdict(carrier).refusal).toBeUndefined();
  });

  it("plain http:// is fine on loopback; the emulator is a staging choice that is logged", () => {
    for (const url of ["http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:3000"])
      expect(verdict({ APP_URL: url }).refusal).toBeUndefined();
    const staging = verdict({
      STRIPE_SECRET_KEY: undefined,
      STRIPE_EMULATOR: "on",
      EMULATOR_SECRET_KEY: "sk_test_x",
      SMTP_URL: "smtp://m:25",
    });
    expect(staging).toEqual({ warnings: [expect.stringMatching(/^STRIPE_EMULATOR=on: payments go to the Stripe emulator/)] });
  });

  it("demo mode (npm start) is generous, except that webhooks always need their secret", () => {
    expect(
      verdict({ DEMO_MODE: "true", APP_URL: undefined, DEV_TOOLS: "on", STRIPE_SECRET_KEY: undefined, EMULATOR_SECRET_KEY: "sk_test_x" })
        .refusal,
    ).toBeUndefined();
    expect(verdict({ DEMO_MODE: "true", STRIPE_SECRET_KEY: "sk_test_0123", STRIPE_WEBHOOK_SECRET: undefined }).refusal).toMatch(
      /^STRIPE_WEBHOOK_SECRET is not set/,
    );
    // Never with real money (the base configuration's key is a live one).
    expect(verdict({ DEMO_MODE: "true" }).refusal).toMatch(/^DEMO_MODE is on with a live STRIPE_SECRET_KEY/);
    expect(verdict({ DEMO_MODE: "true", STRIPE_SECRET_KEY: "sk_test_0123" }).refusal).toBeUndefined();
  });
});

describe("npm start's emulator secrets", () => {
  it("hands the emulator the app's STRIPE_WEBHOOK_SECRET, so the two agree", () => {
    expect(demoGatewaySecrets({ STRIPE_WEBHOOK_SECRET: "whsec_app", EMULATOR_SECRET_KEY: "sk_test_k" }, {})).toEqual({
      webhookSecret: "whsec_app",
      secretKey: "sk_test_k",
    });
    expect(demoGatewaySecrets({ EMULATOR_SECRET_KEY: "sk_test_k" }, { EMULATOR_WEBHOOK_SECRET: "whsec_em" })).toEqual({
      webhookSecret: "whsec_em",
      secretKey: "sk_test_k",
    });
    expect(
      demoGatewaySecrets(
        { STRIPE_WEBHOOK_SECRET: "whsec_same" },
        { EMULATOR_WEBHOOK_SECRET: "whsec_same", EMULATOR_SECRET_KEY: "sk_test_e" },
      ),
    ).toEqual({ webhookSecret: "whsec_same", secretKey: "sk_test_e" });
  });

  it("refuses two different secrets, in one line", () => {
    expect(() => demoGatewaySecrets({ STRIPE_WEBHOOK_SECRET: "whsec_a" }, { EMULATOR_WEBHOOK_SECRET: "whsec_b" })).toThrow(
      /^STRIPE_WEBHOOK_SECRET and EMULATOR_WEBHOOK_SECRET differ: [^\n]+$/,
    );
  });
});
