import { z } from "zod";

// The one reader of process.env (docs/STYLE.md #1). Parsed once, lazily, so that
// `next build` can import modules without a runtime configuration.

const bool = z.enum(["true", "false", "1", "0", "yes", "no", "on", "off", ""]).transform((v) => ["true", "1", "yes", "on"].includes(v));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // `npm start`: the one-command local store (demo accounts, dev tools, the emulator),
  // generous because it listens on 127.0.0.1. Without it, NODE_ENV=production is
  // production: lib/startup-check.ts refuses unsafe settings.
  DEMO_MODE: bool.default(false),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Bind address: 127.0.0.1 under npm start, all interfaces for `npm run serve`.
  HOST: z.string().min(1).optional(),
  APP_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  // Unset: twice the cores, at most 10 (db/index.ts defaultPoolMax).
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).optional(),
  EMBEDDED_PG_DIR: z.string().min(1).default(".data/pg"),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.url().optional(),
  // Proxies in front of the app that append to X-Forwarded-For; the client is the entry left of theirs.
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  // The secret webhooks are checked with, in every mode: there is no built-in one.
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  // Unset key: the local Stripe emulator at STRIPE_API_BASE is the gateway, with
  // this installation's key (npm start makes one in .data/ and hands it to both).
  STRIPE_API_BASE: z.url().default("http://127.0.0.1:12111"),
  EMULATOR_SECRET_KEY: z.string().min(1).optional(),
  // Production without STRIPE_SECRET_KEY must say so: a staging store on the emulator.
  STRIPE_EMULATOR: bool.optional(),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // This many webhooks refused for their signature within the window (all instances) raise the alert and the console banner.
  WEBHOOK_SIGNATURE_ALERT_THRESHOLD: z.coerce.number().int().min(1).max(100_000).default(5),
  WEBHOOK_SIGNATURE_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  PAYMENT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1800),
  // What one shopper may hold unpaid at once (each unpaid order keeps its copies reserved).
  MAX_UNPAID_ORDERS_PER_SHOPPER: z.coerce.number().int().min(1).max(1000).default(5),
  MAX_RESERVED_COPIES_PER_SHOPPER: z.coerce.number().int().min(1).max(100_000).default(100),
  // A guest (no account) holds unpaid orders per e-mail address: fewer, since an address costs nothing to type.
  MAX_UNPAID_GUEST_ORDERS_PER_EMAIL: z.coerce.number().int().min(1).max(1000).default(2),
  MAX_RESERVED_COPIES_PER_GUEST_EMAIL: z.coerce.number().int().min(1).max(100_000).default(20),
  // How long a sign-up's e-mail verification link works (hours).
  EMAIL_VERIFICATION_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  // How long a "Forgot password?" link works (it works once).
  PASSWORD_RESET_MINUTES: z.coerce.number().int().min(5).max(1440).default(30),
  REFUND_WINDOW_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  // A delivered order's lines may be returned for this many days after delivery.
  RETURN_WINDOW_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  // A requested return whose parcel has not arrived this many days later expires.
  RETURN_EXPIRY_DAYS: z.coerce.number().int().min(1).max(365).default(21),
  // The carrier (carrier-simulator/ locally): unset CARRIER_API_KEY = no carrier, tracking numbers are the store's own.
  CARRIER_API_BASE: z.url().default("http://127.0.0.1:12112"),
  CARRIER_API_KEY: z.string().min(16).optional(),
  // The secret the carrier signs its tracking callbacks with (POST /api/webhooks/carrier); unset = callbacks refused.
  CARRIER_SECRET: z.string().min(16).optional(),
  CARRIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // Orders from before shipping rates existed: business days to the delivery estimate.
  DELIVERY_BUSINESS_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  // Where the store ships (the payment page's country list): ISO codes, comma-separated.
  SHIPPING_COUNTRIES: z
    .string()
    .regex(/^[A-Z]{2}(,[A-Z]{2})*$/, "SHIPPING_COUNTRIES must be country codes like US,CA,GB")
    .default("US,CA,GB,IE,DE,FR,NL,ES,IT"),
  // The two rates offered, in the order's currency (cents), with their delivery estimates in business days ("min-max").
  SHIPPING_STANDARD_CENTS: z.coerce.number().int().min(0).max(100_000).default(499),
  SHIPPING_STANDARD_DAYS: z
    .string()
    .regex(/^\d{1,2}-\d{1,2}$/, "SHIPPING_STANDARD_DAYS must look like 3-5")
    .default("3-5"),
  SHIPPING_EXPRESS_CENTS: z.coerce.number().int().min(0).max(100_000).default(1499),
  SHIPPING_EXPRESS_DAYS: z
    .string()
    .regex(/^\d{1,2}-\d{1,2}$/, "SHIPPING_EXPRESS_DAYS must look like 1-2")
    .default("1-2"),
  // Standard shipping is free when the books cost at least this much (cents, before discounts); 0 = never free.
  FREE_SHIPPING_THRESHOLD_CENTS: z.coerce.number().int().min(0).max(10_000_000).default(5000),
  WORKER_ENABLED: bool.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  // Consecutive failed runs of an order's jobs (any task) after which its automation is paused (PAUSE by the system).
  ORDER_JOB_FAILURES_BEFORE_PAUSE: z.coerce.number().int().min(1).max(100).default(5),
  // Outbound hooks (docs/ARCHITECTURE.md, "Outbound hooks"): attempts per delivery before it is given up,
  // consecutive failed attempts before an endpoint is disabled, the time one attempt may take.
  HOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  HOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(20),
  HOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // The first retry waits this long, each next one twice as long (at most an hour).
  HOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  // Endpoints on loopback or private addresses: refused in production unless this is on; allowed elsewhere.
  HOOK_ALLOW_PRIVATE_TARGETS: bool.optional(),
  // After "Roll secret", deliveries are signed with the old secret too for this long, so receivers can switch over.
  HOOK_SECRET_GRACE_HOURS: z.coerce.number().min(0).max(720).default(24),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Paperleaf Books <orders@paperleaf.example>"),
  FULFILMENT_DELAY_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(3600),
  FAULT_POINTS: z.string().optional(),
  // Developer pages such as /dev/mailbox (operators only); on by default outside production, refused in it.
  DEV_TOOLS: bool.optional(),
  // `npm run admin:create`: the new operator's password, instead of the prompt (scripts, containers).
  ADMIN_PASSWORD: z.string().optional(),
  // Production refuses to start while the demo accounts (published passwords) exist, unless this is on.
  ALLOW_DEMO_ACCOUNTS: bool.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // JSON lines in production and tests, readable lines in development, unless set.
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  // GET /api/metrics needs `Authorization: Bearer <METRICS_TOKEN>` in production (unset there: 404).
  METRICS_TOKEN: z.string().min(16).optional(),
  // A standalone worker (npm run worker) serves its own /metrics on this port when set.
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  // Traces go to this OTLP/HTTP endpoint when set (e.g. http://localhost:4318); unset, tracing is off.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("paperleaf-books"),
  CI: bool.default(false),
  // Set by Next itself; "phase-production-build" while `next build` prerenders.
  NEXT_PHASE: z.string().optional(),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "unset" for optional settings.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    // One line, naming each setting: it is what a refused start prints.
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}

export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

/** The app's public origin, used for Origin checks and gateway return URLs. */
export function appUrl(): string {
  const e = env();
  return (e.APP_URL ?? e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
}

/** Production: NODE_ENV=production outside demo mode (npm start). Unsafe settings are refused there. */
export function isProduction(e: Env = env()): boolean {
  return e.NODE_ENV === "production" && !e.DEMO_MODE;
}

export function devToolsEnabled(): boolean {
  return env().DEV_TOOLS ?? !isProduction();
}

/**
 * next-auth reads NEXTAUTH_URL itself; in production it is APP_URL (required there),
 * so the two cannot disagree. Called once at start.
 */
export function publishAuthUrl(): void {
  const e = env();
  if (!e.NEXTAUTH_URL && e.APP_URL) process.env.NEXTAUTH_URL = e.APP_URL;
}

/** Lets tests and scripts change settings in-process (values are re-validated). */
export function resetEnvCache(): void {
  cached = undefined;
}
