import { defineConfig, devices } from "@playwright/test";
import { chromiumFlags, chromiumPath } from "./scripts/lib/chromium";

const port = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  // In CI a failing test runs once more, so a flaky one is told apart from a broken one,
  // and then fails the run all the same (failOnFlakyTests): flakiness is fixed, not retried away.
  retries: process.env.CI ? 1 : 0,
  failOnFlakyTests: !!process.env.CI,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    // In CI a trace only for a failing test's second run: recording one for every test took a
    // quarter of the suite's time (the screencast's frames encoded as JPEG on a 2-core machine).
    // Run alone (no retries), a failing test keeps its trace.
    trace: process.env.CI ? "on-first-retry" : "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumFlags,
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: `npx tsx scripts/e2e-server.ts`,
    url: `${baseURL}/api/books?pageSize=1`,
    timeout: 180_000,
    reuseExistingServer: false,
    env: { PORT: String(port), WORKER_ENABLED: "true" },
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
