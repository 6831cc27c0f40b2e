import type { OrderContext, Sale, ShippingOption } from "./order-types";

// What "agreed" means once the gateway computes tax, shipping and discounts.
// Pure: the machine's guards use it, the pages and tests too.
//
// The store agrees to the total of the session it created, read back from the
// gateway when the payment completes, and only when that session still says
// what the store offered: the order's lines at the store's prices (subtotal),
// one of the shipping rates offered at checkout at the offered amount, an
// address when the books are shipped, a discount no larger than the books, a
// total that is subtotal − discount + shipping + tax, in the order's currency;
// and the payment took exactly that total. Tax is the gateway's to compute.

/** The sale a payment without gateway details stands for: the books, nothing else. */
export function plainSale(amountCents: number, currency: string, context: OrderContext): Sale {
  return {
    currency,
    subtotalCents: amountCents,
    discountCents: 0,
    shippingCents: 0,
    taxCents: 0,
    totalCents: amountCents,
    shippingMethod: null,
    address: null,
    email: null,
    promotionCode: null,
    lines: context.items.map(() => ({ discountCents: 0, taxCents: 0 })),
  };
}

/** The amounts add up: total = subtotal − discount + shipping + tax, none negative, the discount within the books. */
export function saleAddsUp(sale: Pick<Sale, "subtotalCents" | "discountCents" | "shippingCents" | "taxCents" | "totalCents">): boolean {
  const { subtotalCents, discountCents, shippingCents, taxCents, totalCents } = sale;
  const amounts = [subtotalCents, discountCents, shippingCents, taxCents, totalCents];
  if (!amounts.every((a) => Number.isSafeInteger(a) && a >= 0)) return false;
  return discountCents <= subtotalCents && totalCents === subtotalCents - discountCents + shippingCents + taxCents;
}

function offered(options: ShippingOption[], sale: Sale): string | null {
  if (options.length === 0) {
    return sale.shippingCents === 0 && sale.shippingMethod === null ? null : `shipping ${sale.shippingCents} was never offered`;
  }
  const option = options.find((o) => o.method === sale.shippingMethod);
  if (!option) return `shipping method ${sale.shippingMethod ?? "none"} was not offered`;
  if (option.amountCents !== sale.shippingCents)
    return `${option.method} shipping is ${option.amountCents}, the session charged ${sale.shippingCents}`;
  if (!sale.address) return "no shipping address was collected";
  return null;
}

/**
 * Why a reported payment is not for the sale the store agreed to, or null when
 * it is. `amountCents`/`currency`: what the payment took.
 */
export function saleProblem(context: OrderContext, amountCents: number, currency: string, sale: Sale | undefined): string | null {
  const s = sale ?? plainSale(amountCents, currency, context);
  if (currency !== context.currency || s.currency !== context.currency)
    return `currency ${currency}/${s.currency}, the order is in ${context.currency}`;
  if (s.subtotalCents !== context.subtotalCents)
    return `the session's subtotal is ${s.subtotalCents}, the order's books cost ${context.subtotalCents}`;
  if (!saleAddsUp(s))
    return `the session's amounts do not add up (${s.subtotalCents} − ${s.discountCents} + ${s.shippingCents} + ${s.taxCents} ≠ ${s.totalCents})`;
  const shipping = offered(context.shippingOptions, s);
  if (shipping) return shipping;
  if (s.lines.length !== context.items.length) return `the session has ${s.lines.length} lines, the order ${context.items.length}`;
  if (s.lines.reduce((sum, line) => sum + line.discountCents, 0) !== s.discountCents)
    return "the lines' discounts do not add up to the discount";
  if (s.lines.reduce((sum, line) => sum + line.taxCents, 0) > s.taxCents) return "the lines' tax exceeds the tax";
  if (amountCents !== s.totalCents) return `the payment took ${amountCents}, the session's total is ${s.totalCents}`;
  return null;
}

/** The rate the shopper chose, if any: the delivery estimate follows it. */
export function chosenShipping(context: OrderContext): ShippingOption | undefined {
  const method = context.sale?.shippingMethod;
  return method ? context.shippingOptions.find((o) => o.method === method) : undefined;
}
