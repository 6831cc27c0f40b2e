import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import type { WritePipeline } from "@/db/batching";
import type { SqlRow } from "@/db/rows";
import type { books, cartItems, carts } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { MAX_LINES_PER_CART, MAX_PER_LINE, type CartView, type OpenOrder } from "./types";
import { isUuid } from "@/lib/ids";
import { openOrderOfCartId } from "@/lib/orders/store";
import { cartFingerprint } from "./fingerprint";

// Cart rows: the one module that writes carts and cart_items. Prices always
// come from books at read time, never from a client. Rows are typed from
// db/schema.ts.

type CartRow = SqlRow<typeof carts, "id">;
type CartLineRow = SqlRow<typeof cartItems, "bookId" | "quantity"> &
  SqlRow<typeof books, "title" | "author" | "priceCents" | "currency"> & { available: number; held: number };

export async function loadCart(cartId: string | null): Promise<CartView> {
  if (!cartId) return { items: [], totalCents: 0, currency: "usd", count: 0 };
  const { db } = await getDb();
  // The shopper's own open order holds copies for them: the cart counts those as theirs, not as "out of stock".
  const open = await openOrderOfCartId(db, cartId);
  const rows = await db.execute<CartLineRow>(sql`
    select ci.book_id, b.title, b.author, ci.quantity, b.price_cents, b.currency,
           b.stock_available + coalesce(held.quantity, 0) as available, coalesce(held.quantity, 0) as held
    from cart_items ci join books b on b.id = ci.book_id
    left join order_items held on held.order_id = ${open?.id ?? null}::uuid and held.book_id = ci.book_id
    where ci.cart_id = ${cartId} order by ci.created_at, ci.book_id`);
  const items = rows.map((r) => ({
    bookId: r.book_id,
    title: r.title,
    author: r.author,
    quantity: r.quantity,
    unitPriceCents: r.price_cents,
    lineTotalCents: r.price_cents * r.quantity,
    available: r.available,
  }));
  const cart: CartView = {
    items,
    totalCents: items.reduce((sum, i) => sum + i.lineTotalCents, 0),
    currency: rows[0]?.currency ?? "usd",
    count: items.reduce((sum, i) => sum + i.quantity, 0),
  };
  if (open) {
    const sameLines = items.length > 0 && open.cart_fingerprint === cartFingerprint(items);
    cart.openOrder = {
      id: open.id,
      totalCents: open.total_cents,
      currency: open.currency,
      paymentDeadline: new Date(open.deadline_ms).toISOString(),
      sameLines,
    };
    // A partial order keeps the whole cart's fingerprint, so "same lines" alone would claim every copy is ordered.
    // With the same lines, the order's books are the cart's: what each holds against the cart says what was left out.
    const partial = sameLines ? partialOrderOf(rows) : undefined;
    if (partial) cart.openOrder.partial = partial;
  }
  return cart;
}

function partialOrderOf(rows: CartLineRow[]): OpenOrder["partial"] {
  if (rows.every((r) => r.held >= r.quantity)) return undefined;
  const copies = (r: CartLineRow, quantity: number) => ({ bookId: r.book_id, title: r.title, quantity });
  return {
    ordered: rows.filter((r) => r.held > 0).map((r) => copies(r, r.held)),
    leftOut: rows.filter((r) => r.held < r.quantity).map((r) => copies(r, r.quantity - r.held)),
  };
}

/** An anonymous cart's cookie lives this long from the cart's creation (lib/cart/current-cart.ts): after it, nobody can reach the cart. */
export const ANONYMOUS_CART_DAYS = 30;

/**
 * Deletes anonymous carts nobody can reach any more (their cookie expired),
 * at most `limit` a run, with their lines; a cart a guest order names stays.
 * Run by the reconciler. Without it a cart row stayed for good for every
 * browser that ever added a book (a security audit's find: storage grew
 * without bound).
 */
export async function purgeAbandonedCarts(limit = 1000): Promise<number> {
  const { db } = await getDb();
  const rows = await db.execute<{ id: string }>(sql`
    delete from carts where id in (
      select c.id from carts c
      where c.user_id is null and c.created_at < now() - make_interval(days => ${ANONYMOUS_CART_DAYS})
        and not exists (select 1 from orders o where o.guest_cart_id = c.id)
      limit ${limit})
    returning id`);
  return rows.length;
}

export async function createCart(userId: string | null): Promise<string> {
  const { db } = await getDb();
  if (userId) {
    const rows = await db.execute<CartRow>(sql`
      insert into carts (user_id) values (${userId})
      on conflict (user_id) do update set updated_at = now() returning id`);
    return rows[0]!.id;
  }
  const rows = await db.execute<CartRow>(sql`insert into carts (user_id) values (null) returning id`);
  return rows[0]!.id;
}

export async function findUserCart(userId: string): Promise<string | null> {
  const { db } = await getDb();
  const [row] = await db.execute<CartRow>(sql`select id from carts where user_id = ${userId}`);
  return row?.id ?? null;
}

export async function findAnonymousCart(cartId: string): Promise<string | null> {
  if (!isUuid(cartId)) return null;
  const { db } = await getDb();
  const [row] = await db.execute<CartRow>(sql`select id from carts where id = ${cartId} and user_id is null`);
  return row?.id ?? null;
}

async function assertBook(bookId: number): Promise<void> {
  const { db } = await getDb();
  const [row] = await db.execute(sql`select 1 from books where id = ${bookId}`);
  if (!row) throw new AppError("not_found", `No book with id ${bookId}`);
}

/** Adds to a line (creating it); never past 50 copies of one book, nor past MAX_LINES_PER_CART books. */
export async function addCartItem(cartId: string, bookId: number, quantity: number): Promise<void> {
  await assertBook(bookId);
  const { db } = await getDb();
  const [size] = await db.execute<{ lines: number; has: boolean }>(sql`
    select count(*)::int as lines, bool_or(book_id = ${bookId}) as has from cart_items where cart_id = ${cartId}`);
  if (size && !size.has && size.lines >= MAX_LINES_PER_CART) {
    throw new AppError("invalid_request", `A cart holds at most ${MAX_LINES_PER_CART} different books`, [
      { path: "bookId", message: `at most ${MAX_LINES_PER_CART} different books per cart` },
    ]);
  }
  const rows = await db.execute<SqlRow<typeof cartItems, "quantity">>(sql`
    insert into cart_items (cart_id, book_id, quantity) values (${cartId}, ${bookId}, ${quantity})
    on conflict (cart_id, book_id) do update set quantity = cart_items.quantity + excluded.quantity
    where cart_items.quantity + excluded.quantity <= ${MAX_PER_LINE}
    returning quantity`);
  if (rows.length === 0) {
    throw new AppError("invalid_request", `You can have at most ${MAX_PER_LINE} copies of a book in your cart`, [
      { path: "quantity", message: `quantity must be at most ${MAX_PER_LINE} in total` },
    ]);
  }
  await db.execute(sql`update carts set updated_at = now() where id = ${cartId}`);
}

/** Sets a line's quantity; 0 removes it. not_found when the line does not exist. */
export async function setCartItemQuantity(cartId: string, bookId: number, quantity: number): Promise<void> {
  const { db } = await getDb();
  const rows =
    quantity === 0
      ? await db.execute(sql`delete from cart_items where cart_id = ${cartId} and book_id = ${bookId} returning book_id`)
      : await db.execute(
          sql`update cart_items set quantity = ${quantity} where cart_id = ${cartId} and book_id = ${bookId} returning book_id`,
        );
  if (rows.length === 0) throw new AppError("not_found", `Book ${bookId} is not in your cart`);
}

/** Moves an anonymous cart into a user's: quantities add, capped at 50. */
export async function mergeCarts(anonymousCartId: string, userCartId: string): Promise<void> {
  const { db } = await getDb();
  await db.transaction(async (tx) => {
    // Two requests right after sign-in may both try to merge: the row lock
    // makes the second find the anonymous cart already gone, so nothing adds twice.
    const [anonymous] = await tx.execute(sql`select id from carts where id = ${anonymousCartId} and user_id is null for update`);
    if (!anonymous) return;
    await tx.execute(sql`
      insert into cart_items (cart_id, book_id, quantity, created_at)
      select ${userCartId}, book_id, quantity, created_at from cart_items where cart_id = ${anonymousCartId}
      on conflict (cart_id, book_id) do update set quantity = least(${MAX_PER_LINE}, cart_items.quantity + excluded.quantity)`);
    await tx.execute(sql`delete from carts where id = ${anonymousCartId} and user_id is null`);
  });
}

/**
 * The order machine's clearCart effect, queued on the dispatch transaction's
 * pipeline: only the ordered books leave the shopper's cart; anything added
 * since stays. A book a partial order cut short (`partlyOrdered`) loses only
 * the copies ordered, so what was left out stays in the cart.
 */
export function clearOrderedBooks(
  pipeline: WritePipeline,
  owner: { userId: string | null; cartId: string | null },
  orderId: string,
  partlyOrdered: number[] = [],
): void {
  // A shopper's cart, and a guest's cookie cart (also after an account claimed the order).
  const userCart = owner.userId ? sql`c.user_id = ${owner.userId}` : sql`false`;
  const guestCart = owner.cartId ? sql`(c.id = ${owner.cartId} and c.user_id is null)` : sql`false`;
  const partly = `{${partlyOrdered.join(",")}}`;
  // One statement: the delete (whole lines) and the update (lines ordered in part) touch different rows.
  pipeline.write(sql`
    with ordered as (select book_id, quantity from order_items where order_id = ${orderId}),
    gone as (
      delete from cart_items ci using carts c, ordered o
      where ci.cart_id = c.id and (${userCart} or ${guestCart}) and ci.book_id = o.book_id
        and (ci.book_id <> all(${partly}::int[]) or ci.quantity <= o.quantity)
      returning ci.book_id)
    update cart_items ci set quantity = ci.quantity - o.quantity
    from carts c, ordered o
    where ci.cart_id = c.id and (${userCart} or ${guestCart}) and ci.book_id = o.book_id
      and ci.book_id = any(${partly}::int[]) and ci.quantity > o.quantity`);
}
