import { count } from "drizzle-orm";
import type { Db } from "@/db";
import { hashPassword } from "@/lib/auth/password";
import { demoAccounts } from "./demo-accounts";
import { books, users } from "./schema";
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
    // The ISBN is the natural key: re-running the seed adds nothing twice.
    const result = await db.insert(books).values(rows).onConflictDoNothing().returning({ id: books.id });
    inserted += result.length;
  }
  return inserted;
}

/** Idempotent: demo accounts and the curated catalog, plus `extraBooks` generated ones. */
export async function seedDatabase(db: Db, options: { extraBooks?: number } = {}) {
  let accounts = 0;
  for (const account of demoAccounts) {
    const rows = await db
      .insert(users)
      .values({ email: account.email, name: account.name, role: account.role, passwordHash: await hashPassword(account.password) })
      .onConflictDoNothing()
      .returning({ id: users.id });
    accounts += rows.length;
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
