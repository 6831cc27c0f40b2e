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
    // Integration tests share one database; files run one at a time so row
    // counts stay meaningful, while tests inside a file may run concurrently.
    fileParallelism: false,
  },
});
