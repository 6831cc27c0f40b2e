import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { benchAppUrl } from "./stack";

/** The test server's first socket directory, if it listens on one (the embedded test run's does not). */
async function socketDirOfServer(): Promise<string | undefined> {
  const { sql } = await getDb();
  const [row] = await sql<{ dirs: string }[]>`select current_setting('unix_socket_directories') as dirs`;
  return row!.dirs.split(",")[0]?.trim() || undefined;
}
const socketDir = await socketDirOfServer();

describe("benchAppUrl: how the bench's app reaches its database", () => {
  const saved = process.env.BENCH_PG_SOCKET;
  afterEach(() => {
    if (saved === undefined) delete process.env.BENCH_PG_SOCKET;
    else process.env.BENCH_PG_SOCKET = saved;
  });

  it("BENCH_PG_SOCKET=off keeps TCP", async () => {
    process.env.BENCH_PG_SOCKET = "off";
    const { url } = await getDb();
    expect(await benchAppUrl(url)).toBe(url);
  });

  it("refuses a BENCH_PG_SOCKET directory that does not reach the database", async () => {
    process.env.BENCH_PG_SOCKET = "/nonexistent-paperleaf-socket-dir";
    const { url } = await getDb();
    await expect(benchAppUrl(url)).rejects.toThrow(/BENCH_PG_SOCKET=\/nonexistent-paperleaf-socket-dir/);
  });

  it("by default keeps TCP for a database on another host", async () => {
    delete process.env.BENCH_PG_SOCKET;
    expect(await benchAppUrl("postgres://postgres@db.internal:5432/shop")).toBe("postgres://postgres@db.internal:5432/shop");
  });

  it.runIf(socketDir)("names the server's socket libpq's way when it reaches the same database", async () => {
    process.env.BENCH_PG_SOCKET = socketDir;
    const { url } = await getDb();
    const parsed = new URL(url);
    parsed.searchParams.set("host", socketDir!);
    expect(await benchAppUrl(url)).toBe(parsed.toString());
  });
});
