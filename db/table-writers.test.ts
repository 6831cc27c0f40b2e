import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "./schema";
import { privateWorkerTableReaders, tableWriters } from "./table-writers";

const root = path.resolve(import.meta.dirname, "..");
const tables = Object.values(schema)
  .filter((value) => is(value, PgTable))
  .map((table) => getTableName(table as PgTable))
  .sort();

/** docs/ARCHITECTURE.md's "Who writes which table": table → { owner, how }. */
function documentedOwners(): Map<string, { owner: string; how: string }> {
  const doc = readFileSync(path.join(root, "docs/ARCHITECTURE.md"), "utf8");
  const section = doc.split("## Who writes which table")[1]?.split(/\n## /)[0] ?? "";
  const owners = new Map<string, { owner: string; how: string }>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const table = /^`([a-z_]+)`$/.exec(cells[1] ?? "")?.[1];
    const owner = /^`([^`]+)`$/.exec(cells[2] ?? "")?.[1];
    if (table && owner) owners.set(table, { owner, how: cells[3] ?? "" });
  }
  return owners;
}

describe("one module writes each table (docs/ARCHITECTURE.md)", () => {
  const owners = documentedOwners();
  const writers = tableWriters(root, tables);

  it("the document names an owner for every table of db/schema.ts, and only those", () => {
    expect([...owners.keys()].sort()).toEqual(tables);
  });

  it.each(tables)("%s is written by its owner only", (table) => {
    const { owner, how } = owners.get(table)!;
    expect(() => readFileSync(path.join(root, owner)), `${owner} exists`).not.toThrow();
    const found = writers.get(table)!;
    // A table kept by a trigger or a library has no statement of ours that writes it.
    if (/trigger|rate-limiter-flexible/.test(how)) expect(found).toEqual([]);
    else expect(found).toEqual([owner]);
  });

  it("graphile-worker's private tables are used by two modules: jobs.ts writes jobs, worker-tables.ts reads them", () => {
    expect(privateWorkerTableReaders(root)).toEqual(["lib/worker/jobs.ts", "lib/worker/worker-tables.ts"]);
  });

  it("the scan finds raw and query-builder writes, and ignores reads and tests", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "table-writers-"));
    mkdirSync(path.join(dir, "lib/a"), { recursive: true });
    const files: Record<string, string> = {
      "lib/a/raw.ts": "await tx.execute(sql`\n  update payments set status = 'paid' where id = ${id}`);",
      "lib/a/built.ts": "await db.insert(schema.refunds).values(row);",
      "lib/a/delete.ts": "await db.delete(orderItems).where(eq(orderItems.orderId, id));",
      "lib/a/read.ts": "await db.execute(sql`select * from payments p join orders o on o.id = p.order_id`);",
      "lib/a/write.test.ts": "await db.execute(sql`insert into payments (id) values (1)`);",
      "lib/a/worker.ts": "sql`select * from graphile_worker._private_jobs`",
    };
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    const found = tableWriters(dir, ["payments", "refunds", "order_items", "orders"]);
    expect(Object.fromEntries(found)).toEqual({
      payments: ["lib/a/raw.ts"],
      refunds: ["lib/a/built.ts"],
      order_items: ["lib/a/delete.ts"],
      orders: [],
    });
    expect(privateWorkerTableReaders(dir)).toEqual(["lib/a/worker.ts"]);
  });
});
