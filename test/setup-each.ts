import { afterAll } from "vitest";
import { closeDb } from "@/db";
import { flushOperations } from "@/lib/observability/operations";

// Each test file writes its pending operation-log rows (a timer flush racing
// the pool's close loses them with ECONNRESET), then closes its pool so the
// run ends promptly.
afterAll(async () => {
  await flushOperations();
  await closeDb();
});
