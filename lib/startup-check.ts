import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { demoAccounts } from "@/db/demo-accounts";
import { authSecret, DEVELOPMENT_AUTH_SECRET } from "@/lib/auth/secret";
import { env, isProduction, publishAuthUrl, type Env } from "@/lib/env";
import { logger } from "@/lib/observability/log";
import { paymentConfigurationProblem } from "@/lib/payments/stripe-client";

// The app refuses to start, with one line naming the setting, rather than run
// unsafely or fail at the first sign-in or webhook. Production is
// NODE_ENV=production outside demo mode (`npm start`).

export const MIN_AUTH_SECRET_LENGTH = 32;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export type SettingsVerdict = { refusal?: string; warnings: string[] };

/**
 * A secret anyone can read: the development fallback (lib/auth/secret.ts), or
 * one made up for a test server or a bench, which this repository publishes
 * ("e2e-secret-0123456789abcdef…"): a run of the digits in order, or words
 * that say so. A random secret has neither.
 */
export function publishedSecret(value: string): boolean {
  return value === DEVELOPMENT_AUTH_SECRET || /0123456789|development|not-for-production|change-?me/i.test(value);
}

/** A Stripe endpoint's signing secret: `whsec_` and at least 24 letters and digits (Stripe's are longer). */
const WEBHOOK_SECRET_SHAPE = /^whsec_[A-Za-z0-9]{24,}$/;

/** Production's secrets that are set but public, or too short to be secret; undefined when none. */
function secretProblem(e: Env): string | undefined {
  const published = (name: string) =>
    `${name} is a value published with this project's source (a development, test or bench secret): set a random one (e.g. \`openssl rand -base64 32\`)`;
  if (e.NEXTAUTH_SECRET && publishedSecret(e.NEXTAUTH_SECRET))
    return `${published("NEXTAUTH_SECRET")}: anyone could sign an operator's session with it`;
  if (e.STRIPE_WEBHOOK_SECRET && !WEBHOOK_SECRET_SHAPE.test(e.STRIPE_WEBHOOK_SECRET)) {
    return "STRIPE_WEBHOOK_SECRET must be the endpoint's signing secret as Stripe shows it (whsec_ and at least 24 letters and digits): a short one can be guessed, and a forged webhook marks orders paid";
  }
  if (e.STRIPE_WEBHOOK_SECRET && publishedSecret(e.STRIPE_WEBHOOK_SECRET)) return published("STRIPE_WEBHOOK_SECRET");
  if (e.METRICS_TOKEN && publishedSecret(e.METRICS_TOKEN)) return published("METRICS_TOKEN");
  return undefined;
}

/** Minimum length of CARRIER_SECRET in production (it signs the tracking callbacks that mark orders delivered). */
export const MIN_CARRIER_SECRET_LENGTH = 32;

/**
 * Production's carrier settings: without a carrier (no CARRIER_API_KEY) and
 * no CARRIER_SECRET, callbacks are refused and operators mark deliveries.
 * A carrier needs a long secret that is not a test one, over https.
 */
function carrierProblem(e: Env): string | undefined {
  if (e.CARRIER_API_KEY && !e.CARRIER_SECRET) {
    return "CARRIER_SECRET is not set: with CARRIER_API_KEY, set it to the secret the carrier signs its tracking callbacks with";
  }
  if (
    e.CARRIER_SECRET &&
    (e.CARRIER_SECRET.length < MIN_CARRIER_SECRET_LENGTH || /test/i.test(e.CARRIER_SECRET) || publishedSecret(e.CARRIER_SECRET))
  ) {
    return `CARRIER_SECRET must be at least ${MIN_CARRIER_SECRET_LENGTH} characters and not a test secret in production: anyone who guesses it can mark orders delivered`;
  }
  if (e.CARRIER_API_KEY && new URL(e.CARRIER_API_BASE).protocol !== "https:" && !LOOPBACK.test(new URL(e.CARRIER_API_BASE).hostname)) {
    return "CARRIER_API_BASE must be https:// in production (plain http:// only on localhost): the API key would travel in clear";
  }
  return undefined;
}

/** The settings' first problem (one line, naming the setting) and any warnings. Pure: the database is checked apart. */
export function checkSettings(e: Env): SettingsVerdict {
  const warnings: string[] = [];
  const refuse = (refusal: string): SettingsVerdict => ({ refusal, warnings });
  // Every mode: webhooks are checked with a configured secret, never a built-in one.
  const payments = paymentConfigurationProblem(e);
  if (!isProduction(e)) {
    // Generous, but never with real money: demo accounts have published passwords (an audit's find).
    if (e.DEMO_MODE && e.STRIPE_SECRET_KEY?.startsWith("sk_live_")) {
      return refuse(
        "DEMO_MODE is on with a live STRIPE_SECRET_KEY: the demo's accounts have published passwords and would take real payments (use a test key, or no DEMO_MODE)",
      );
    }
    if (e.DEMO_MODE && e.NODE_ENV === "production")
      warnings.push(
        "DEMO_MODE is on: demo accounts and dev tools, production's refusals do not apply (npm start sets it; never set it for a real store)",
      );
    return payments ? refuse(payments) : { warnings };
  }

  if (!e.DATABASE_URL) return refuse("DATABASE_URL is not set: production needs its own PostgreSQL (the embedded server is for npm start)");
  if (!e.NEXTAUTH_SECRET || e.NEXTAUTH_SECRET.length < MIN_AUTH_SECRET_LENGTH) {
    return refuse(`NEXTAUTH_SECRET must be at least ${MIN_AUTH_SECRET_LENGTH} characters in production (e.g. \`openssl rand -base64 32\`)`);
  }
  const secrets = secretProblem(e);
  if (secrets) return refuse(secrets);
  if (!e.APP_URL) return refuse("APP_URL is not set: production needs the store's public origin, e.g. https://books.example.com");
  const appUrl = new URL(e.APP_URL);
  if (appUrl.protocol !== "https:" && !LOOPBACK.test(appUrl.hostname)) {
    return refuse(
      `APP_URL must be https:// for ${appUrl.hostname} (plain http:// only on localhost): session cookies would travel in clear`,
    );
  }
  if (e.NEXTAUTH_URL && new URL(e.NEXTAUTH_URL).origin !== appUrl.origin) {
    return refuse("NEXTAUTH_URL differs from APP_URL: leave NEXTAUTH_URL unset in production (APP_URL is used for both)");
  }
  if (e.STRIPE_SECRET_KEY && e.STRIPE_EMULATOR)
    return refuse("STRIPE_EMULATOR=on and STRIPE_SECRET_KEY are both set: choose real Stripe or the emulator");
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) {
    return refuse("STRIPE_WEBHOOK_SECRET is not set: with STRIPE_SECRET_KEY, set it to the endpoint's signing secret (whsec_…)");
  }
  if (!e.STRIPE_SECRET_KEY && !e.STRIPE_EMULATOR) {
    return refuse(
      "STRIPE_SECRET_KEY is not set: production takes real payments (set STRIPE_EMULATOR=on only for a staging store on the emulator)",
    );
  }
  if (payments) return refuse(payments);
  const carrier = carrierProblem(e);
  if (carrier) return refuse(carrier);
  if (e.DEV_TOOLS) return refuse("DEV_TOOLS must be off in production: developer pages (the mailbox) are for npm start");
  if (!e.SMTP_URL) warnings.push("SMTP_URL is not set: order e-mails are only kept in the database (table emails), nobody receives them");
  if (e.STRIPE_EMULATOR)
    warnings.push(
      `STRIPE_EMULATOR=on: payments go to the Stripe emulator at ${e.STRIPE_API_BASE}, not to Stripe (a staging store; no money moves)`,
    );
  if (e.ALLOW_DEMO_ACCOUNTS)
    warnings.push("ALLOW_DEMO_ACCOUNTS=on: the demo accounts and their published passwords are allowed (a staging store)");
  return { warnings };
}

/** Demo accounts (published passwords) present in the database. */
export async function demoAccountsPresent(): Promise<string[]> {
  const { db } = await getDb();
  const emails = demoAccounts.map((account) => account.email);
  const rows = await db.execute<{ email: string }>(sql`
    select email from users where lower(email) in (${sql.join(
      emails.map((email) => sql`${email}`),
      sql`, `,
    )}) order by email`);
  return rows.map((row) => row.email);
}

async function databaseRefusal(e: Env): Promise<string | undefined> {
  if (!isProduction(e) || e.ALLOW_DEMO_ACCOUNTS) return undefined;
  let found: string[];
  try {
    found = await demoAccountsPresent();
  } catch (error) {
    const reason = String(
      (error as { code?: string }).code === "42P01"
        ? "no users table: run `npm run db:migrate` first"
        : ((error as Error).cause ?? (error as Error).message),
    );
    return `DATABASE_URL: cannot check the database for demo accounts (${reason.split("\n")[0]!.slice(0, 200)})`;
  }
  if (found.length === 0) return undefined;
  return `the database holds demo accounts with published passwords (${found.join(", ")}): delete them, or set ALLOW_DEMO_ACCOUNTS=on for a staging store`;
}

/** The first reason not to start, or undefined; warnings are logged. */
export async function startupRefusal(): Promise<string | undefined> {
  let e: Env;
  try {
    e = env();
    authSecret();
  } catch (error) {
    return (error as Error).message;
  }
  const verdict = checkSettings(e);
  if (verdict.refusal) return verdict.refusal;
  const refusal = await databaseRefusal(e);
  if (refusal) return refusal;
  for (const warning of verdict.warnings) logger().warn({ setting: warning.split(/[ =:]/)[0] }, warning);
  publishAuthUrl();
  return undefined;
}

/** Exits the process with one line on stderr naming the setting, rather than start unsafely. */
export async function checkStartupConfiguration(): Promise<void> {
  const refusal = await startupRefusal();
  if (!refusal) return;
  process.stderr.write(`paperleaf: refusing to start: ${refusal.replace(/\s*\n\s*/g, " ")}\n`);
  process.exit(1);
}
