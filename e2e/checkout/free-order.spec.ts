import { expect, test } from "../support/test";
import { client, signIn, signedInShopper } from "../support/api";
import { fillShippingAddress } from "../support/browser";
import { createBook, e2eDb, stockOf } from "../support/db";

const shots = "docs/screenshots";

// A 100 % promotion code on books that ship free: nothing to pay. Stripe completes the session with
// payment_status no_payment_required; the store must take that as paid (it waited for money that never
// comes, and the order timed out), and a shopper may still cancel it (nothing to refund).
test("a free order (a 100 % code, free shipping): paid without a card, then cancelled by the shopper with nothing to refund", async ({
  browser,
}) => {
  const operator = await client();
  await signIn(operator, "admin@example.com", "admin-pass-1");
  const code = `FREE${Date.now().toString(36).toUpperCase()}`;
  expect((await operator.post("/api/admin/promotion-codes", { data: { code, kind: "percent", percentOff: 100 } })).status()).toBe(201);

  const shopper = await signedInShopper();
  const book = await createBook(3, "A Book Given Away", 6000);
  await shopper.api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
  const context = await browser.newContext({ storageState: await shopper.api.storageState() });
  const page = await context.newPage();
  await page.goto("/checkout");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
  await fillShippingAddress(page);
  await page.getByLabel(/^Standard/).check();
  await page.getByLabel("Promotion code").fill(code);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("heading", { name: "Nothing to pay" })).toBeVisible();
  await page.getByRole("button", { name: "Complete order" }).click();
  await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible();

  const [order] = await e2eDb()`select id, status, total_cents, discount_cents from orders
    where user_id = (select id from users where email = ${shopper.email}) order by created_at desc limit 1`;
  expect(order).toMatchObject({ status: "paid", total_cents: 0, discount_cents: 6000 });
  expect(await stockOf(book)).toMatchObject({ available: 2, sold: 1 });
  await page.goto(`/orders/${String(order!.id)}`);
  await expect(page.getByTestId("order-total")).toContainText("$0.00");
  await expect(page.getByText("Your order is confirmed: the discount covers all of it, so nothing was charged.")).toBeVisible();
  await page.screenshot({ path: `${shots}/free-order-paid.png`, fullPage: true });

  const question = new Promise<string>((resolve) =>
    page.once("dialog", (dialog) => {
      resolve(dialog.message());
      void dialog.accept();
    }),
  );
  await page.getByRole("button", { name: "Cancel and refund" }).click();
  expect(await question).toBe("Cancel this order? It was free, so there is nothing to refund. The books will go back on the shelves.");
  await expect(page.getByText("This order was cancelled. It was free, so there was nothing to refund.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Order cancelled" })).toBeVisible();
  await expect(page.getByText("Your order has been cancelled; any refund is on its way.")).toBeVisible();
  expect((await e2eDb()`select status from orders where id = ${String(order!.id)}`)[0]?.status).toBe("refunded");
  expect(await stockOf(book)).toMatchObject({ available: 3, sold: 0 });
  expect(await e2eDb()`select 1 from refunds where order_id = ${String(order!.id)}`).toHaveLength(0);
  await page.screenshot({ path: `${shots}/free-order-cancelled.png`, fullPage: true });
  await context.close();
});
