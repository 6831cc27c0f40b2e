import path from "node:path";
import { defineConfig } from "vitest/config";

// The deliberately failing run of db/embedded.test.ts: the project's own
// global setup (which starts the embedded server when DATABASE_URL is unset)
// around one test that fails.
const root = path.resolve(import.meta.dirname, "../..");

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    root,
    include: ["test/embedded-exit/*.fixture.ts"],
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/setup-each.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
