import { readFileSync } from "node:fs";
import postgres from "postgres";

let sql: postgres.Sql | undefined;

/** The database the e2e server writes to (scripts/e2e-server.ts records its URL). */
export function e2eDb(): postgres.Sql {
  sql ??= postgres(readFileSync(".data/e2e-database-url", "utf8").trim(), { max: 2, onnotice: () => {} });
  return sql;
}

export async function closeE2eDb(): Promise<void> {
  await sql?.end();
  sql = undefined;
}

/** A fresh book with `stock` copies, so a spec owns its counters. */
/** about: the book's author and genre (a short line's alternatives are found by them). */
export async function createBook(
  stock: number,
  title = `E2E Book ${Math.random().toString(36).slice(2, 8)}`,
  priceCents = 1599,
  about: { author?: string; genre?: string } = {},
): Promise<number> {
  const [row] = await e2eDb()<{ id: number }[]>`
    insert into books (title, author, genre, description, price_cents, currency, stock_available, stock_received)
    values (${title}, ${about.author ?? "E2E Author"}, ${about.genre ?? "Fiction"}, 'A book made by a test.', ${priceCents}, 'usd', ${stock}, ${stock})
    returning id`;
  return row!.id;
}

export async function stockOf(bookId: number) {
  const [row] = await e2eDb()<{ available: number; reserved: number; sold: number }[]>`
    select stock_available as available, stock_reserved as reserved, stock_sold as sold from books where id = ${bookId}`;
  return row!;
}

/**
 * Makes the order's waiting `task` job due now (a warehouse delay, a probe's backoff), for the server's
 * worker to take; how many it moved (a job still running is left alone).
 */
export async function jobDueNow(task: string, orderId: string): Promise<number> {
  const rows = await e2eDb()`
    update graphile_worker._private_jobs j set run_at = now()
    from graphile_worker._private_tasks t
    where t.id = j.task_id and t.identifier = ${task} and j.payload->>'orderId' = ${orderId} and j.locked_at is null
    returning j.id`;
  return rows.length;
}
