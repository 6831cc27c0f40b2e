import { z } from "zod";
import { ensureLocalSecret } from "../scripts/lib/local-secret";
import { startCarrier, type RunningCarrier } from "./server";

// `npm run carrier:simulator`: the carrier as its own process. Without
// CARRIER_SECRET / CARRIER_API_KEY it uses this installation's own (kept in
// .data/carrier-secret and .data/carrier-api-key).

const delay = z.coerce.number().int().min(0).max(86_400_000);
const env = z
  .object({
    CARRIER_HOST: z.string().default("127.0.0.1"),
    CARRIER_PORT: z.coerce.number().int().min(0).max(65_535).default(12112),
    CARRIER_CALLBACK_URL: z.union([z.literal(""), z.url()]).default("http://localhost:3000/api/webhooks/carrier"),
    CARRIER_SECRET: z.string().min(16).optional(),
    CARRIER_API_KEY: z.string().min(16).optional(),
    // "in_transit,out_for_delivery,delivered" delays in ms, or "off" (control API only).
    CARRIER_SCHEDULE: z.string().default("off"),
    CARRIER_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1_000),
    CARRIER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  })
  .safeParse(process.env);

function scheduleOf(value: string) {
  if (value === "off") return null;
  const parts = value.split(",").map((part) => delay.parse(part.trim()));
  if (parts.length !== 3) throw new Error('CARRIER_SCHEDULE: three delays in ms ("in_transit,out_for_delivery,delivered") or "off"');
  return { in_transit: parts[0]!, out_for_delivery: parts[1]!, delivered: parts[2]! };
}

let carrier: RunningCarrier;
try {
  if (!env.success) throw new Error(`carrier-simulator: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const e = env.data;
  carrier = await startCarrier({
    host: e.CARRIER_HOST,
    port: e.CARRIER_PORT,
    callbackUrl: e.CARRIER_CALLBACK_URL,
    secret: e.CARRIER_SECRET ?? ensureLocalSecret("carrier-secret", "csec_"),
    apiKey: e.CARRIER_API_KEY ?? ensureLocalSecret("carrier-api-key", "ck_test_"),
    schedule: scheduleOf(e.CARRIER_SCHEDULE),
    retryBaseMs: e.CARRIER_RETRY_BASE_MS,
    maxAttempts: e.CARRIER_MAX_ATTEMPTS,
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === "EADDRINUSE"
      ? `carrier-simulator: the port is already in use (${String(error)})`
      : String(error instanceof Error ? error.message : error),
  );
  process.exit(1);
}

const { url, settings } = carrier;
console.log(`Carrier simulator listening on ${url}`);
console.log(`  API        ${url}/shipments  (key: CARRIER_API_KEY, else .data/carrier-api-key)`);
console.log(`  Control    ${url}/_carrier/…`);
console.log(`  Callbacks  ${settings.callbackUrl || "off"} (signed with CARRIER_SECRET, else .data/carrier-secret)`);
console.log(`  Schedule   ${settings.schedule ? JSON.stringify(settings.schedule) : "off (control API only)"}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`carrier-simulator: ${signal}, stopping`);
  await carrier.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
