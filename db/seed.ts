import { count } from "drizzle-orm";
import type { Db } from "@/db";
import { insertDemoAccount } from "@/lib/auth/users";
import { insertBooks as insertBookRows } from "@/lib/catalog/store";
import { demoAccounts } from "./demo-accounts";
import { books } from "./schema";
import { generateBooks, seedBooks, type SeedBook } from "./seed-data";

export { demoAccounts } from "./demo-accounts";

const BATCH = 2000;

function toRow(book: SeedBook) {
  return {
    title: book.title,
    author: book.author,
    genre: book.genre,
    description: book.description,
    isbn: book.isbn,
    publishedYear: book.publishedYear,
    pages: book.pages,
    priceCents: book.priceCents,
    currency: "usd",
    stockAvailable: book.stock,
    stockReceived: book.stock,
  };
}

async function insertBooks(db: Db, list: SeedBook[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < list.length; i += BATCH) {
    const rows = list.slice(i, i + BATCH).map(toRow);
    inserted += await insertBookRows(db, rows);
  }
  return inserted;
}

/** Idempotent: demo accounts and the curated catalog, plus `extraBooks` generated ones. */
export async function seedDatabase(db: Db, options: { extraBooks?: number } = {}) {
  let accounts = 0;
  for (const account of demoAccounts) {
    if (await insertDemoAccount(db, account)) accounts += 1;
  }
  let inserted = await insertBooks(db, seedBooks);
  const extra = options.extraBooks ?? 0;
  for (let start = 0; start < extra; start += 20_000) {
    inserted += await insertBooks(db, generateBooks(Math.min(20_000, extra - start), start));
  }
  const [total] = await db.select({ n: count() }).from(books);
  return { accountsCreated: accounts, booksInserted: inserted, booksTotal: total?.n ?? 0 };
}

export async function isCatalogEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(books);
  return (row?.n ?? 0) === 0;
}
