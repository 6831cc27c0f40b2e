type CartCountProps = { count?: number };

/**
 * The number of items in the cart, shown next to the "Cart" link.
 * Placeholder for now (always 0); it will later read /api/cart.
 * Fixed dimensions so the header does not shift when the count loads.
 */
export function CartCount({ count = 0 }: CartCountProps) {
  const shown = count > 99 ? "99+" : String(count);
  return (
    <span className="inline-flex h-6 w-7 shrink-0 items-center justify-center rounded-full bg-accent text-xs font-bold text-white tabular-nums">
      <span aria-hidden="true" data-testid="cart-count">
        {shown}
      </span>
      <span className="sr-only">{count === 1 ? "1 item" : `${count} items`}</span>
    </span>
  );
}
