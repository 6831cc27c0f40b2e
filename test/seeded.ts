import { getDb } from "@/db";
import { seedDatabase } from "@/db/seed";

let seeded: Promise<unknown> | undefined;

/** Seeds the run's database once per test file (the seed is idempotent). */
export async function ensureSeeded() {
  seeded ??= getDb().then(({ db }) => seedDatabase(db));
  await seeded;
  return getDb();
}
