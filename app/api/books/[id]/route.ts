// GET /api/books/:id – one book
import { getBook } from "@/lib/catalog/get-book";
import { bookIdSchema } from "@/lib/catalog/types";
import { AppError } from "@/lib/errors";
import { json, route } from "@/lib/http/responses";

export const GET = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const parsed = bookIdSchema.safeParse(id);
  // A malformed id names no book: 404, like an unknown one.
  if (!parsed.success) throw new AppError("not_found", `No book with id ${id}`);
  const { isbn: _isbn, publishedYear: _year, pages: _pages, ...book } = await getBook(parsed.data);
  return json(book);
});
