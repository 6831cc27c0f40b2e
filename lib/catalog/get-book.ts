import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { books } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { bookViewColumns } from "./list-books";
import type { BookDetail } from "./types";
import { instrument } from "@/lib/observability/operations";

/** One book by id; AppError not_found when there is none. */
export function getBook(id: number): Promise<BookDetail> {
  return instrument("data_lookup", { name: "get_book" }, () => findBook(id));
}

async function findBook(id: number): Promise<BookDetail> {
  const { db } = await getDb();
  const [book] = await db
    .select({ ...bookViewColumns, isbn: books.isbn, publishedYear: books.publishedYear, pages: books.pages })
    .from(books)
    .where(eq(books.id, id))
    .limit(1);
  if (!book) throw new AppError("not_found", `No book with id ${id}`);
  return book;
}
