import { sql } from "drizzle-orm";
import { afterAll, afterEach } from "vitest";
import { closeDb, openedDb } from "@/db";
import { flushOperations } from "@/lib/observability/operations";
import { setLogSink } from "@/lib/observability/log";
import { holdLogLines } from "./quiet-logs";
import { takeWorkerSlot } from "./worker-slot";

// This worker's own database and emulator, before anything reads the environment.
takeWorkerSlot();

// Each test file writes its pending operation-log rows (a timer flush racing
// the pool's close loses them with ECONNRESET), then closes its pool so the
// run ends promptly.
afterAll(async () => {
  await flushOperations();
  // The jobs this file left (e-mails never sent, retries not due yet) go with it: the next file in this
  // worker starts with an empty queue, so "every due job" there is its own. Runs past 30 s in CI were
  // other files' leftovers (thousands of e-mails and failing refund retries by the end of a run).
  await openedDb()
    ?.then(({ db }) => db.execute(sql`delete from graphile_worker._private_jobs`))
    .catch(() => undefined);
  await closeDb();
});

// Quiet output: the app's log lines (injected faults log errors by design) are held per test
// and printed only for a test that failed; a passing run prints none of them.
const held = holdLogLines((text) => console.error(text));
setLogSink(held.sink);
afterEach(({ task }) => held.settle(task.name, task.result?.state === "fail"));
