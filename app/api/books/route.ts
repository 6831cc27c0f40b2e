// GET /api/books – search, filter and page through the catalog
import { listBooks } from "@/lib/catalog/list-books";
import { bookQuerySchema } from "@/lib/catalog/types";
import { invalidRequest, json, route, searchParamsObject } from "@/lib/http/responses";

export const GET = route(async (request: Request) => {
  const parsed = bookQuerySchema.safeParse(searchParamsObject(request.url));
  if (!parsed.success) throw invalidRequest(parsed.error);
  return json(await listBooks(parsed.data));
});
