import { notFound, redirect } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { getOrderForViewer, type OrderView } from "./order-view";
import { orderViewer, type RequestViewer } from "./order-viewer";

/**
 * The order an order page shows, for its shopper or the holder of its guest
 * link. Neither signed in nor holding a link: sign in first (back to `path`).
 * Anyone else, or a wrong link: 404, like an order that does not exist.
 */
export async function orderForPage(id: string, path: string): Promise<{ order: OrderView; viewer: RequestViewer }> {
  let viewer: RequestViewer;
  try {
    viewer = await orderViewer(id);
  } catch (error) {
    if (isAppError(error) && error.code === "unauthenticated") redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
    throw error;
  }
  try {
    return { order: await getOrderForViewer(viewer, id), viewer };
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
}
