/** Set by test/global-setup.ts: per worker slot, its database and Stripe emulator. */
export const WORKER_SLOTS_ENV = "TEST_WORKER_SLOTS";

export type WorkerSlot = { databaseUrl: string; stripeApiBase?: string };

/**
 * Points this test worker at its own database and emulator (VITEST_POOL_ID counts from 1 to
 * maxWorkers, and no two running workers share one). Runs before the test file's imports read
 * the environment (lib/env.ts parses it on first use).
 */
export function takeWorkerSlot(env: NodeJS.ProcessEnv = process.env): WorkerSlot | undefined {
  const slots = env[WORKER_SLOTS_ENV];
  if (!slots) return undefined;
  const id = Number(env.VITEST_POOL_ID ?? "1");
  const slot = (JSON.parse(slots) as WorkerSlot[])[id - 1];
  if (!slot) throw new Error(`no test database for worker ${id}: maxWorkers is larger than the slots global setup made`);
  env.DATABASE_URL = slot.databaseUrl;
  if (slot.stripeApiBase) env.STRIPE_API_BASE = slot.stripeApiBase;
  return slot;
}
