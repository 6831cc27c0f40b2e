import { defineConfig } from "vitest/config";

// The carrier simulator's tests need no database: like the Stripe emulator's,
// they skip the project's global setup. The root config runs them too.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    expect: { poll: { timeout: 10_000 } }, // as the root config
  },
});
