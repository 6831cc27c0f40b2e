import Link from "next/link";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import type { OrderView } from "@/lib/orders/order-view";

/** A partial order: the copies it left out, as the shopper agreed at checkout (they stayed in the cart). */
export function LeftOut({ order }: { order: Pick<OrderView, "leftOut"> }) {
  if (order.leftOut.length === 0) return null;
  return (
    <section aria-labelledby="left-out-heading" className={panelClass} data-testid="left-out">
      <h2 id="left-out-heading" className="text-xl font-semibold">
        Left out of this order
      </h2>
      <p className="mt-1 text-sm text-ink-soft">
        These copies were not on our shelves when you ordered, and you chose to order without them. They are not charged, and they stay in
        the cart you ordered from.
      </p>
      <ul className="mt-3 space-y-1 text-sm">
        {order.leftOut.map((line) => (
          <li key={line.bookId}>
            <span className="font-semibold tabular-nums">{line.requested - line.ordered} ×</span>{" "}
            <Link href={`/books/${line.bookId}`} className={textLinkClass}>
              {line.title}
            </Link>{" "}
            <span className="text-ink-soft">
              (you asked for {line.requested}
              {line.ordered > 0 ? `; ${line.ordered} in this order` : ""})
            </span>
          </li>
        ))}
      </ul>
      <p className="mt-3 text-sm">
        <Link href="/cart" className={textLinkClass}>
          See your cart
        </Link>
      </p>
    </section>
  );
}
