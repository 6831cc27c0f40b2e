import type { BookCopies, OpenOrder } from "@/lib/cart/types";

type OpenOrderCopiesProps = { partial: NonNullable<OpenOrder["partial"]>; orderName: string };

/**
 * A partial open order against the cart: the copies it holds, and the copies it left out, which
 * are still in the cart but not ordered. The cart page's banner and the checkout page both say it,
 * because the cart itself lists every copy as if all were ordered.
 */
export function OpenOrderCopies({ partial, orderName }: OpenOrderCopiesProps) {
  return (
    <div className="mt-3 grid gap-3 text-sm sm:grid-cols-2" data-testid="open-order-copies">
      <CopiesList heading={`In ${orderName}`} copies={partial.ordered} testId="open-order-ordered" />
      <CopiesList heading="Left out: still in your cart, not ordered" copies={partial.leftOut} testId="open-order-left-out" />
    </div>
  );
}

function CopiesList({ heading, copies, testId }: { heading: string; copies: BookCopies[]; testId: string }) {
  return (
    <div className="min-w-0">
      <h3 className="font-semibold">{heading}</h3>
      <ul className="mt-1 list-disc space-y-0.5 pl-5 break-words" data-testid={testId}>
        {copies.map((c) => (
          <li key={c.bookId}>
            {c.quantity} × {c.title}
          </li>
        ))}
      </ul>
    </div>
  );
}
