// POST /api/admin/books/:id/stock – receive copies, or write off missing ones (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { throttleStockChanges } from "@/lib/http/abuse-limits";
import { receiveStock, writeOffStock } from "@/lib/catalog/stock-admin";
import { stockChangeSchema } from "@/lib/catalog/stock-change";
import { bookIdSchema } from "@/lib/catalog/types";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const parsed = bookIdSchema.safeParse((await context.params).id);
  if (!parsed.success) throw new AppError("not_found", "No such book");
  const { action, copies } = await readJson(request, stockChangeSchema);
  await throttleStockChanges(admin.id);
  const result =
    action === "receive" ? await receiveStock({ bookId: parsed.data, copies }) : await writeOffStock({ bookId: parsed.data, copies });
  return json(result);
});
