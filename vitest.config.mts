import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", ".data/**"],
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/setup-each.ts"],
    environment: "node",
    // Every pipelined statement the suite sends is built by plainSqlText and by drizzle, and must match (db/batching.ts).
    env: { SQL_TEXT_CHECK: "1" },
    pool: "forks",
    testTimeout: 60_000,
    // expect.poll waits up to 10 s, not vitest's 1 s: what it waits for (a browser's fetch, a NOTIFY, a
    // spawned process) can take seconds on a loaded 2-core CI machine; a passing test waits no longer.
    expect: { poll: { timeout: 10_000 } },
    // No retries (a flaky test is fixed, not retried) and no `.only` in CI.
    retry: 0,
    allowOnly: !process.env.CI,
    hookTimeout: 120_000,
    // Files run in parallel, one at a time per worker; each worker has a database and a Stripe
    // emulator of its own (test/global-setup.ts), so row counts and emulator settings stay one
    // worker's. TEST_WORKERS overrides how many; the default, one more than the cores, is the
    // fastest measured on 2 cores (the files wait on PostgreSQL and the emulator much of the time):
    // 195 s one file at a time, 129 s with 2 workers, 100 s with 3.
    fileParallelism: true,
    maxWorkers: Number(process.env.TEST_WORKERS) || availableParallelism() + 1,
  },
});
