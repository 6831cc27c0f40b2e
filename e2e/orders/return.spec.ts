import { readFileSync } from "node:fs";
import { expect, test } from "../support/test";
import { signedInShopper } from "../support/api";
import { adminContext } from "../support/browser";
import { createBook, e2eDb, stockOf } from "../support/db";

// Delivery and returns in Chromium: a shopper's order is shipped, the carrier
// simulator reports it delivered (signed callbacks), the shopper returns one
// of its lines with a reason, the operator marks it received and restocks
// it, and it is refunded. The order page and the e-mails show each step.

const shots = "docs/screenshots";
const emulatorUrl = () => readFileSync(".data/e2e-emulator-url", "utf8").trim();
const carrierUrl = () => readFileSync(".data/e2e-carrier-url", "utf8").trim();
const statusOf = async (orderId: string) => (await e2eDb()`select status from orders where id = ${orderId}`)[0]?.status as string;
const subjects = async (orderId: string) =>
  (await e2eDb()`select subject from emails where order_id = ${orderId} order by created_at`).map((r) => r.subject as string).join(" | ");

test("a delivered order's line is returned, restocked and refunded; the page and the e-mails show each step", async ({ browser }) => {
  const shopper = await signedInShopper();
  const kept = await createBook(4, "A Book Worth Keeping", 1800);
  const returned = await createBook(4, "A Book Sent Back", 2200);
  await shopper.api.post("/api/cart/items", { data: { bookId: kept, quantity: 1 } });
  await shopper.api.post("/api/cart/items", { data: { bookId: returned, quantity: 1 } });
  const orderId = ((await (await shopper.api.post("/api/checkout")).json()) as { id: string }).id;
  const { checkoutUrl } = (await (await shopper.api.post(`/api/orders/${orderId}/payments`)).json()) as { checkoutUrl: string };
  await fetch(`${emulatorUrl()}/_emulator/sessions/${checkoutUrl.split("/pay/")[1]}/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card: "4242424242424242" }),
  });
  await expect.poll(() => statusOf(orderId), { timeout: 20_000 }).toBe("paid");

  // The operator ships it: the shipment is registered with the carrier.
  const operator = await adminContext(browser);
  const console = await operator.newPage();
  console.on("dialog", (dialog) => void dialog.accept());
  await console.goto(`/admin/orders/${orderId}`);
  await console.getByRole("button", { name: "Ship now" }).click();
  await expect.poll(() => statusOf(orderId), { timeout: 20_000 }).toBe("fulfilled");
  const tracking = String((await e2eDb()`select tracking_number from orders where id = ${orderId}`)[0]!.tracking_number);
  const advance = () =>
    fetch(`${carrierUrl()}/_carrier/shipments/${tracking}/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
  expect((await advance()).status).toBe(200);
  const context = await browser.newContext({ storageState: await shopper.api.storageState() });
  const page = await context.newPage();
  await page.goto(`/orders/${orderId}`);
  await expect(page.getByRole("heading", { name: "Shipped" })).toBeVisible();
  await expect
    .poll(
      async () =>
        (await e2eDb()`select count(*)::int as n from order_events where order_id = ${orderId} and type = 'ShipmentProgressed'`)[0]?.n,
    )
    .toBe(1);
  await page.reload();
  await expect(page.getByRole("list", { name: "Shipment progress" }).getByText("In transit ✓")).toBeVisible();
  await page.screenshot({ path: `${shots}/order-in-transit.png`, fullPage: true });

  // Out for delivery, then delivered: signed callbacks to /api/webhooks/carrier.
  expect((await advance()).status).toBe(200);
  expect((await advance()).status).toBe(200);
  await expect.poll(() => statusOf(orderId), { timeout: 20_000 }).toBe("delivered");
  await page.reload();
  await expect(page.getByRole("heading", { name: "Delivered" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Shipment progress" }).getByText("Delivered ✓")).toBeVisible();
  await page.screenshot({ path: `${shots}/order-delivered.png`, fullPage: true });

  // The shopper returns one of the two lines, with a reason.
  await page.getByLabel("Copies of A Book Sent Back to return").selectOption("1");
  await page.getByLabel("Reason").fill("The cover arrived torn.");
  await page.getByRole("button", { name: "Request return" }).click();
  await expect(page.getByText("Requested: please send the books back")).toBeVisible();
  await expect(page.getByText("Reason: The cover arrived torn.")).toBeVisible();
  await page.screenshot({ path: `${shots}/order-return-requested.png`, fullPage: true });
  const before = await stockOf(returned);

  // The operator receives it and restocks it: the copy is back, the line is refunded.
  await console.reload();
  await expect(console.getByTestId("admin-return")).toContainText("Reason: The cover arrived torn.");
  await console.getByRole("button", { name: "Mark received and refund" }).click();
  await expect(console.getByTestId("admin-return")).toContainText("Refunded");
  await console.screenshot({ path: `${shots}/admin-return-received.png`, fullPage: true });
  expect(await stockOf(returned)).toEqual({ ...before, available: before.available + 1, sold: before.sold - 1 });
  await expect
    .poll(async () => (await e2eDb()`select status from refunds where order_id = ${orderId} and reason = 'returned'`)[0]?.status, {
      timeout: 30_000,
    })
    .toBe("succeeded");
  const line = (
    await e2eDb()`select unit_price_cents as unit, tax_cents as tax, discount_cents as discount
    from order_items where order_id = ${orderId} and book_id = ${returned}`
  )[0]!;
  const refund = (await e2eDb()`select amount_cents as amount from refunds where order_id = ${orderId} and reason = 'returned'`)[0]!;
  // What the shopper paid for that line: its price, less its share of any discount, plus its tax.
  expect(Number(refund.amount)).toBe(Number(line.unit) - Number(line.discount) + Number(line.tax));
  expect(await statusOf(orderId)).toBe("delivered");

  await page.reload();
  await expect(page.getByText("Received and refunded")).toBeVisible();
  await expect(page.getByText(/Refund: \$\d+\.\d\d/)).toBeVisible();
  await page.screenshot({ path: `${shots}/order-return-refunded.png`, fullPage: true });
  // An e-mail at every step.
  for (const subject of [
    /has shipped/,
    /was delivered/,
    /Return requested/,
    /We received your return/,
    /Your return for order .* is refunded/,
  ]) {
    await expect.poll(() => subjects(orderId), { timeout: 30_000 }).toMatch(subject);
  }
  await context.close();
  await operator.close();
});
