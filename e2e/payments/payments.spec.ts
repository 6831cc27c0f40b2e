import type { Browser } from "@playwright/test";
import { expect, test } from "../support/test";
import { signedInShopper } from "../support/api";
import { adminContext, fillShippingAddress, payByCard } from "../support/browser";
import { createBook, e2eDb } from "../support/db";

const shots = "docs/screenshots";

/** A signed-in browser page with an order awaiting payment (placed through the API). */
async function shopperWithOrder(browser: Browser, title: string) {
  const shopper = await signedInShopper();
  const book = await createBook(5, title, 2450);
  await shopper.api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
  const order = await (await shopper.api.post("/api/checkout")).json();
  const context = await browser.newContext({ storageState: await shopper.api.storageState() });
  const page = await context.newPage();
  await page.goto(`/orders/${order.id}`);
  return { page, orderId: order.id as string, api: shopper.api, close: () => context.close() };
}

async function orderStatus(orderId: string): Promise<string> {
  const [row] = await e2eDb()`select status from orders where id = ${orderId}`;
  return row!.status as string;
}

async function paymentStatuses(orderId: string): Promise<string[]> {
  const rows = await e2eDb()`select status from payments where order_id = ${orderId} order by created_at`;
  return rows.map((r) => r.status as string);
}

test.describe("paying on the hosted page", () => {
  test("happy path: 4242 → success page → order paid, cart empty, e-mail sent", async ({ browser }) => {
    const { page, orderId, api, close } = await shopperWithOrder(browser, "A Paid Book");
    await page.getByRole("button", { name: /pay now/i }).click();
    await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
    await page.screenshot({ path: `${shots}/gateway-checkout.png` });
    await payByCard(page, "4242 4242 4242 4242");
    await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_/);
    await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible();
    await page.screenshot({ path: `${shots}/checkout-success.png` });
    expect(await orderStatus(orderId)).toBe("paid");
    expect(await paymentStatuses(orderId)).toEqual(["paid"]);
    expect((await (await api.get("/api/cart")).json()).items).toEqual([]);
    await expect
      .poll(async () => (await e2eDb()`select subject from emails where order_id = ${orderId}`).map((r) => r.subject as string).join("|"), {
        timeout: 20_000,
      })
      .toMatch(/is paid/);
    const operator = await adminContext(browser);
    const mailbox = await operator.newPage();
    await mailbox.goto("/dev/mailbox");
    await expect(mailbox.getByRole("link", { name: /is paid/ }).first()).toBeVisible();
    await operator.close();
    await close();
  });

  test("declined, then another card succeeds; the order shows both attempts", async ({ browser }) => {
    const { page, orderId, close } = await shopperWithOrder(browser, "A Declined Then Paid Book");
    await page.getByRole("button", { name: /pay now/i }).click();
    await payByCard(page, "4000 0000 0000 0002");
    await expect(page.getByRole("alert")).toContainText(/declined/i);
    await expect.poll(() => paymentStatuses(orderId), { timeout: 15_000 }).toEqual(["failed"]);
    await payByCard(page, "4242 4242 4242 4242");
    await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible();
    await page.goto(`/orders/${orderId}`);
    await expect(page.getByText("Payment failed").first()).toBeVisible();
    await expect(page.getByText("Payment received").first()).toBeVisible();
    expect(await orderStatus(orderId)).toBe("paid");
    await close();
  });

  test("cancel on the payment page, then try again and pay", async ({ browser }) => {
    const { page, orderId, close } = await shopperWithOrder(browser, "A Second Thoughts Book");
    await page.getByRole("button", { name: /pay now/i }).click();
    await page.getByRole("link", { name: /back to the store/i }).click();
    await expect(page).toHaveURL(/\/checkout\/cancelled\?session_id=cs_/);
    await expect(page.getByRole("heading", { name: "You haven’t paid yet" })).toBeVisible();
    await page.screenshot({ path: `${shots}/checkout-cancelled.png` });
    expect(await paymentStatuses(orderId)).toEqual(["cancelled"]);
    await page.getByRole("button", { name: /pay now/i }).click();
    await payByCard(page, "4242424242424242");
    await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible();
    expect(await paymentStatuses(orderId)).toEqual(["cancelled", "paid"]);
    await close();
  });

  test("delayed bank transfer that succeeds: the success page flips to paid by itself", async ({ browser }) => {
    const { page, orderId, close } = await shopperWithOrder(browser, "A Bank Transfer Book");
    await page.getByRole("button", { name: /pay now/i }).click();
    await fillShippingAddress(page);
    await page.getByLabel("Account number").fill("000123456789");
    await page.getByRole("button", { name: /pay by bank transfer/i }).click();
    await expect(page).toHaveURL(/\/checkout\/success/);
    await expect(page.getByRole("heading", { name: /confirming your payment/i })).toBeVisible();
    await page.screenshot({ path: `${shots}/checkout-confirming.png` });
    await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible({ timeout: 20_000 });
    expect(await orderStatus(orderId)).toBe("paid");
    await close();
  });

  test("delayed bank transfer that fails: the order says so and offers to pay again", async ({ browser }) => {
    const { page, orderId, close } = await shopperWithOrder(browser, "A Bounced Transfer Book");
    await page.getByRole("button", { name: /pay now/i }).click();
    await fillShippingAddress(page);
    await page.getByLabel("Account number").fill("000111111113");
    await page.getByRole("button", { name: /pay by bank transfer/i }).click();
    await expect(page).toHaveURL(/\/checkout\/success/);
    await expect.poll(() => paymentStatuses(orderId), { timeout: 20_000 }).toEqual(["failed"]);
    await page.goto(`/orders/${orderId}`);
    await expect(page.getByText("Payment failed").first()).toBeVisible();
    await expect(page.getByRole("button", { name: /pay now/i })).toBeVisible();
    expect(await orderStatus(orderId)).toBe("created");
    await close();
  });
});
