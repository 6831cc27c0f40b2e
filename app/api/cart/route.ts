// GET /api/cart – the current cart (anonymous by cookie, or the signed-in user's)
import { currentCart } from "@/lib/cart/current-cart";
import { json, route } from "@/lib/http/responses";

export const GET = route(async () => json(await currentCart(), { headers: { "Cache-Control": "no-store" } }));
