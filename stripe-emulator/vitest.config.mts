import { defineConfig } from "vitest/config";

// The emulator's tests need no database: this config skips the project's
// global setup (which creates a test database). The root config runs them too.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    expect: { poll: { timeout: 10_000 } }, // as the root config
  },
});
