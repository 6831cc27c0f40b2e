import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Finds which source files write which tables: raw SQL (`insert into t`,
 * `update t`, `delete from t`, `truncate t`, `… on conflict … do update` is
 * part of an insert) and Drizzle's builder (`.insert(t)`, `.update(t)`,
 * `.delete(t)`, with `t` the schema's export or `schema.t`). Tests, e2e,
 * benches and test helpers are left out: they set up and inspect data.
 * Used by table-writers.test.ts to hold docs/ARCHITECTURE.md's table of
 * owners to the code.
 */

const sourceRoots = ["app", "components", "db", "lib", "machines", "scripts", "stripe-emulator"];
const rootFiles = ["instrumentation.ts", "proxy.ts"];
const skipped = /(\.test\.ts$|\/node_modules\/|\/\.next\/|^db\/migrations\/)/;

function listSources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(rel);
      } else if (/\.(ts|tsx|mjs|js)$/.test(entry.name) && !skipped.test(rel)) out.push(rel);
    }
  };
  for (const dir of sourceRoots) if (existsSync(path.join(root, dir))) walk(dir);
  return [...out, ...rootFiles.filter((file) => existsSync(path.join(root, file)))].sort();
}

const camel = (table: string) => table.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** table name → the files that write it. */
export function tableWriters(root: string, tables: readonly string[]): Map<string, string[]> {
  const writers = new Map<string, string[]>(tables.map((t) => [t, []]));
  for (const file of listSources(root)) {
    const text = readFileSync(path.join(root, file), "utf8");
    for (const table of tables) {
      const raw = new RegExp(`\\b(insert\\s+into|update|delete\\s+from|truncate(\\s+table)?)\\s+(public\\.)?"?${table}"?\\b`, "i");
      const built = new RegExp(`\\.(insert|update|delete)\\(\\s*(schema\\.)?${camel(table)}\\s*[,)]`);
      if (raw.test(text) || built.test(text)) writers.get(table)!.push(file);
    }
  }
  return writers;
}

/** The files that name graphile-worker's private tables (its schema is not public API). */
export function privateWorkerTableReaders(root: string): string[] {
  return listSources(root).filter((file) => /graphile_worker\._private_/.test(readFileSync(path.join(root, file), "utf8")));
}
