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
    pool: "forks",
    testTimeout: 60_000,
    // No retries (a flaky test is fixed, not retried) and no `.only` in CI.
    retry: 0,
    allowOnly: !process.env.CI,
    hookTimeout: 120_000,
    // Files run in parallel, one at a time per worker; each worker has a database and a Stripe
    // emulator of its own (test/global-setup.ts), so row counts and emulator settings stay one
    // worker's. TEST_WORKERS overrides how many (default: the cores, at least 2).
    fileParallelism: true,
    maxWorkers: Number(process.env.TEST_WORKERS) || Math.max(2, availableParallelism()),
  },
});
