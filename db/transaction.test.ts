import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { withOrderTransaction, type OrderTx } from "./transaction";

async function scratchTable(): Promise<string> {
  const { db } = await getDb();
  const name = `otx_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await db.execute(sql.raw(`create table ${name} (n int primary key)`));
  return name;
}

const rowsOf = async (table: string) =>
  (await (await getDb()).db.execute<{ n: number }>(sql`select n from ${sql.raw(table)} order by n`)).map((r) => r.n);

describe("withOrderTransaction", () => {
  it("a call inside joins the outer transaction, and the queued writes are flushed before commit", async () => {
    const table = await scratchTable();
    let inner: OrderTx | undefined;
    const outer = await withOrderTransaction(async (otx) => {
      otx.pipeline.write(sql`insert into ${sql.raw(table)} (n) values (1)`);
      await withOrderTransaction(async (joined) => {
        inner = joined;
        joined.pipeline.write(sql`insert into ${sql.raw(table)} (n) values (2)`);
      });
      return otx;
    });
    expect(inner).toBe(outer);
    expect(await rowsOf(table)).toEqual([1, 2]);
  });

  it("a failure inside rolls back everything, the joined call's writes too", async () => {
    const table = await scratchTable();
    const attempt = withOrderTransaction(async (otx) => {
      otx.pipeline.write(sql`insert into ${sql.raw(table)} (n) values (1)`);
      await withOrderTransaction(async ({ pipeline }) => pipeline.write(sql`insert into ${sql.raw(table)} (n) values (2)`));
      throw new Error("changed my mind");
    });
    await expect(attempt).rejects.toThrow("changed my mind");
    expect(await rowsOf(table)).toEqual([]);
  });

  it("a queued write's failure is the error reported, not the aborted statement after it, and nothing is kept", async () => {
    const table = await scratchTable();
    const attempt = withOrderTransaction(async ({ tx, pipeline }) => {
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (null)`);
      // Once the failure is in, the next statement meets "current transaction is aborted" (25P02).
      await new Promise((resolve) => setTimeout(resolve, 100));
      await tx.execute(sql`insert into ${sql.raw(table)} (n) values (3)`);
    });
    await expect(attempt).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23502" }) });
    expect(await rowsOf(table)).toEqual([]);
  });

  it("work started inside that runs after commit opens a transaction of its own", async () => {
    const table = await scratchTable();
    let later: Promise<OrderTx> | undefined;
    const first = await withOrderTransaction(async (otx) => {
      later = new Promise((resolve) => setTimeout(() => resolve(withOrderTransaction(async (next) => next)), 50));
      return otx;
    });
    const second = await later!;
    expect(second).not.toBe(first);
    await withOrderTransaction(async ({ pipeline }) => pipeline.write(sql`insert into ${sql.raw(table)} (n) values (4)`));
    expect(await rowsOf(table)).toEqual([4]);
  });
});
