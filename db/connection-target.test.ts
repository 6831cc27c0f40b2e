import { afterAll, describe, expect, it } from "vitest";
import { createSql, getDb, type Sql } from "@/db";
import { countRoundTrips } from "./batching";
import { migrateDatabase } from "./migrate";
import { connectionTarget } from "./connection-target";

describe("connectionTarget", () => {
  it("leaves a TCP URL as it is", () => {
    const url = "postgres://postgres@127.0.0.1:5432/bookstore?sslmode=disable";
    expect(connectionTarget(url)).toEqual({ url });
  });

  it("takes libpq's ?host=/dir as the Unix socket of the URL's port, and keeps the rest of the URL", () => {
    expect(connectionTarget("postgres://app:secret@localhost:6543/shop?host=/var/run/postgresql/&application_name=x")).toEqual({
      url: "postgres://app:secret@localhost:6543/shop?application_name=x",
      path: "/var/run/postgresql/.s.PGSQL.6543",
    });
    expect(connectionTarget("postgres://postgres@localhost/shop?host=%2Ftmp").path).toBe("/tmp/.s.PGSQL.5432");
  });

  it("with no port in the URL, names the socket of PGPORT, as postgres.js and pg do", () => {
    const saved = process.env.PGPORT;
    process.env.PGPORT = "5433";
    try {
      expect(connectionTarget("postgres://postgres@localhost/shop?host=/tmp").path).toBe("/tmp/.s.PGSQL.5433");
      expect(connectionTarget("postgres://postgres@localhost:6000/shop?host=/tmp").path).toBe("/tmp/.s.PGSQL.6000");
    } finally {
      if (saved === undefined) delete process.env.PGPORT;
      else process.env.PGPORT = saved;
    }
  });
});

/** The test server's first socket directory and its port, if it listens on a socket. */
async function socketOfServer(): Promise<{ dir: string; port: string } | undefined> {
  const { sql } = await getDb();
  const [settings] = await sql<{ dirs: string; port: string }[]>`
    select current_setting('unix_socket_directories') as dirs, current_setting('port') as port`;
  const dir = settings!.dirs.split(",")[0]?.trim();
  return dir ? { dir, port: settings!.port } : undefined;
}
const serverSocket = await socketOfServer();

describe("a database URL naming a Unix socket", () => {
  const opened: Sql[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((sql) => sql.end({ timeout: 5 })));
  });
  const withHost = (url: string, dir: string) => {
    const parsed = new URL(url);
    parsed.searchParams.set("host", dir);
    return parsed.toString();
  };

  it("is reached through that socket, not TCP (a directory with no socket: refused)", async () => {
    const { url } = await getDb();
    const sql = createSql(withHost(url, "/nonexistent-paperleaf-socket-dir"), 1);
    opened.push(sql);
    await expect(sql`select 1`).rejects.toThrow(/nonexistent-paperleaf-socket-dir\/\.s\.PGSQL/);
  });

  // The embedded server of the embedded test run listens on TCP only (db/embedded.ts); the system PostgreSQL has a socket.
  it.runIf(serverSocket)("connects, migrates and queries over the server's own socket", async () => {
    const { url } = await getDb();
    const { dir, port } = serverSocket!;
    const parsed = new URL(url);
    parsed.port = port;
    const socketUrl = withHost(parsed.toString(), dir);
    await migrateDatabase(socketUrl);
    const sql = createSql(socketUrl, 1);
    opened.push(sql);
    await sql`select 1`; // connected before counting
    const trips = countRoundTrips(Number(port));
    const [row] = await sql<{ address: string | null; database: string }[]>`
      select inet_server_addr()::text as address, current_database() as database`;
    // The benches' round-trip counter sees the socket too (sql-per-webhook's "≤ 8 round trips").
    expect(trips.stop()).toBe(1);
    expect(row).toEqual({ address: null, database: parsed.pathname.slice(1) });
  });
});
