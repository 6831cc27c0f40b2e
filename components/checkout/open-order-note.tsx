import { OpenOrderCopies } from "@/components/cart/open-order-copies";
import { shortOrderId } from "@/components/orders/order-format";
import type { OpenOrder } from "@/lib/cart/types";

/**
 * What "Place order" will do with the cart's open order (docs/PAYMENTS.md, "One open order per cart"):
 * go to it (same lines), or replace it (a changed cart). A partial order of the same lines is gone to
 * as well, so the note says which copies it holds and that the left-out ones are not ordered by it.
 */
export function OpenOrderNote({ order, guest }: { order: OpenOrder; guest: boolean }) {
  const name = `order ${shortOrderId(order.id)}`;
  const sameAddress = guest ? " (with the same e-mail address; another one replaces it)" : "";
  return (
    <div className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-ink" data-testid="open-order-note">
      {order.partial ? (
        <>
          <p>
            Part of this cart is already ordered ({name}), waiting for payment: we take you to its payment page{sameAddress}. The copies it
            left out stay in your cart and are not ordered. To order them too, edit your cart first: a changed cart places a new order and
            cancels {name}.
          </p>
          <OpenOrderCopies partial={order.partial} orderName={name} />
        </>
      ) : (
        <p>
          {order.sameLines
            ? `These books are already ordered (${name}), waiting for payment: we take you to its payment page${sameAddress}.`
            : `Your cart has changed since ${name}, which waits for payment: placing this order cancels that one.`}
        </p>
      )}
    </div>
  );
}
