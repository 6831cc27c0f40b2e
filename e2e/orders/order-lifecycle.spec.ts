import { readFileSync } from "node:fs";
import type { Browser } from "@playwright/test";
import { expect, test } from "../support/test";
import { signedInShopper } from "../support/api";
import { adminContext } from "../support/browser";
import { createBook, e2eDb, stockOf } from "../support/db";

const shots = "docs/screenshots";
const emulatorUrl = () => readFileSync(".data/e2e-emulator-url", "utf8").trim();

async function orderInBrowser(browser: Browser, title: string, stock = 3) {
  const shopper = await signedInShopper();
  const book = await createBook(stock, title, 1750);
  await shopper.api.post("/api/cart/items", { data: { bookId: book, quantity: 2 } });
  const order = await (await shopper.api.post("/api/checkout")).json();
  const context = await browser.newContext({ storageState: await shopper.api.storageState() });
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  return { page, book, orderId: order.id as string, api: shopper.api, close: () => context.close() };
}

async function subjects(orderId: string): Promise<string> {
  const rows = await e2eDb()`select subject from emails where order_id = ${orderId}`;
  return rows.map((r) => r.subject as string).join(" | ");
}

test.describe("an order's life after checkout", () => {
  test("reservation timeout: the worker cancels it, the books come back, the shopper is told", async ({ browser }) => {
    const { page, book, orderId, close } = await orderInBrowser(browser, "A Forgotten Book");
    expect(await stockOf(book)).toEqual({ available: 1, reserved: 2, sold: 0 });
    // The payment window closes now (instead of in 30 minutes): the in-process worker's timer job fires.
    await e2eDb()`update orders set payment_deadline = now() - interval '1 second',
      machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', to_jsonb((extract(epoch from now()) * 1000)::bigint - 1000)) where id = ${orderId}`;
    await e2eDb()`update graphile_worker._private_jobs set run_at = now() where key = ${`payment-timeout:${orderId}`}`;
    await expect
      .poll(async () => (await e2eDb()`select status from orders where id = ${orderId}`)[0]?.status, { timeout: 20_000 })
      .toBe("cancelled");
    await page.goto(`/orders/${orderId}`);
    await expect(page.getByText("Cancelled").first()).toBeVisible();
    await expect(page.getByText("Payment time ran out").first()).toBeVisible();
    await page.screenshot({ path: `${shots}/order-timed-out.png`, fullPage: true });
    expect(await stockOf(book)).toEqual({ available: 3, reserved: 0, sold: 0 });
    await expect.poll(() => subjects(orderId), { timeout: 20_000 }).toMatch(/payment time ran out/);
    await close();
  });

  test("the shopper cancels an unpaid order from its page", async ({ browser }) => {
    const { page, book, orderId, close } = await orderInBrowser(browser, "A Changed Mind Book");
    await page.goto(`/orders/${orderId}`);
    await page.getByRole("button", { name: /cancel order/i }).click();
    await expect(page.getByText("Cancelled").first()).toBeVisible();
    await expect(page.getByRole("button", { name: /pay now/i })).toHaveCount(0);
    expect(await stockOf(book)).toEqual({ available: 3, reserved: 0, sold: 0 });
    await close();
  });

  test("a paid order's refund request: refunded through the gateway, books back, e-mail in the mailbox", async ({ browser }) => {
    const { page, book, orderId, api, close } = await orderInBrowser(browser, "A Returned Book");
    const { checkoutUrl } = await (await api.post(`/api/orders/${orderId}/payments`)).json();
    const sessionId = String(checkoutUrl).split("/pay/")[1]!;
    await fetch(`${emulatorUrl()}/_emulator/sessions/${sessionId}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    await expect
      .poll(async () => (await e2eDb()`select status from orders where id = ${orderId}`)[0]?.status, { timeout: 20_000 })
      .toBe("paid");
    await page.goto(`/orders/${orderId}`);
    // The shopper confirms, seeing what comes back; before shipping a refund cancels the order.
    // (orderInBrowser's page accepts every dialog; this one only reads the question.)
    const question = new Promise<string>((resolve) => page.once("dialog", (dialog) => resolve(dialog.message())));
    await page.getByRole("button", { name: "Cancel and refund" }).click();
    const [paid] = await e2eDb()`select total_cents from orders where id = ${orderId}`;
    expect(await question).toBe(
      `Cancel this order and refund $${(Number(paid!.total_cents) / 100).toFixed(2)} to your card? The books will go back on the shelves.`,
    );
    await expect(page.getByText(/refund in progress|refunded/i).first()).toBeVisible();
    await expect
      .poll(async () => (await e2eDb()`select status from orders where id = ${orderId}`)[0]?.status, { timeout: 30_000 })
      .toBe("refunded");
    await page.reload();
    await expect(page.getByText("Refunded").first()).toBeVisible();
    await page.screenshot({ path: `${shots}/order-refunded.png`, fullPage: true });
    expect(await stockOf(book)).toEqual({ available: 3, reserved: 0, sold: 0 });
    await expect.poll(() => subjects(orderId), { timeout: 20_000 }).toMatch(/is refunded/);
    // The development mailbox is for operators.
    const operator = await adminContext(browser);
    const mailbox = await operator.newPage();
    await mailbox.goto("/dev/mailbox");
    await mailbox
      .getByRole("link", { name: /is refunded/ })
      .first()
      .click();
    await expect(mailbox.getByRole("heading", { name: /is refunded/ })).toBeVisible();
    await mailbox.screenshot({ path: `${shots}/dev-mailbox.png` });
    await operator.close();
    await close();
  });
});
