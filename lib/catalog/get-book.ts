import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { books } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { bookViewColumns } from "./list-books";
import type { BookDetail } from "./types";

/** One book by id; AppError not_found when there is none. */
export async function getBook(id: number): Promise<BookDetail> {
  const { db } = await getDb();
  const [book] = await db
    .select({ ...bookViewColumns, isbn: books.isbn, publishedYear: books.publishedYear, pages: books.pages })
    .from(books)
    .where(eq(books.id, id))
    .limit(1);
  if (!book) throw new AppError("not_found", `No book with id ${id}`);
  return book;
}
