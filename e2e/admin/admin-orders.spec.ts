import { expect, test } from "../support/test";
import { client, signIn, signedInShopper } from "../support/api";
import { adminContext } from "../support/browser";
import { createBook, e2eDb, stockOf } from "../support/db";
import { orderStatus, paidOrder } from "../support/orders";
import { awayFromUtcMidnight } from "@/test/utc-day";

const shots = "docs/screenshots";

test.describe("operator console", () => {
  test("admin sees counts and stuck orders, opens a paid order and ships it by hand", async ({ browser }) => {
    const { orderId } = await paidOrder({ title: "An Operator's Book", stock: 4, priceCents: 1999 });
    const order = { id: orderId };

    const admin = await client();
    expect((await signIn(admin, "admin@example.com", "admin-pass-1")).status()).toBeLessThan(400);
    const context = await browser.newContext({ storageState: await admin.storageState() });
    const page = await context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto("/admin/orders");
    await expect(page.getByRole("heading", { name: "Orders", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: /Needs attention/ })).toBeVisible();
    await page.screenshot({ path: `${shots}/admin-orders.png`, fullPage: true });
    await page.getByRole("link", { name: /^Paid \(\d+\)$/ }).click();
    await page
      .getByRole("link", { name: order.id.slice(0, 8).toUpperCase() })
      .first()
      .click();
    await expect(page.getByText("Webhook deliveries")).toBeVisible();
    await page.getByRole("button", { name: "Ship now" }).click();
    // The shipment commits once the carrier has the parcel (the page already said "shipped" before the click).
    await expect.poll(() => orderStatus(order.id), { timeout: 20_000 }).toBe("fulfilled");
    await expect(page.getByText("Shipped").first()).toBeVisible();
    await page.screenshot({ path: `${shots}/admin-order.png`, fullPage: true });
    const [row] = await e2eDb()`select status, tracking_number from orders where id = ${order.id}`;
    expect(row?.status).toBe("fulfilled");
    expect(row?.tracking_number).toMatch(/^PL/);
    await context.close();
  });

  test("admin refunds a paid order by hand: money back through the gateway, books back on the shelf", async ({ browser }) => {
    const { orderId, bookId: book } = await paidOrder({ title: "A Refunded By Hand Book", stock: 3, quantity: 2, priceCents: 1250 });
    const order = { id: orderId };

    const context = await adminContext(browser);
    const page = await context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(`/admin/orders/${order.id}`);
    await page.getByRole("button", { name: "Refund order" }).click();
    // The page follows the order live: refund requested, then refunded once the gateway confirms.
    await expect(page.getByText("Refunded", { exact: true }).first()).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole("heading", { name: /Event log/ })).toBeVisible();
    await expect(page.getByText("PaymentRefunded")).toBeVisible();
    // The job's run is recorded after the refund it made, and the live page follows the order, not job runs.
    await expect
      .poll(
        async () =>
          (await e2eDb()`select outcome from job_runs where order_id = ${order.id} and task = 'refund_payment'`).map((r) => r.outcome),
        {
          timeout: 20_000,
        },
      )
      .toContain("succeeded");
    await page.reload();
    await expect(page.getByText(/refund_payment · attempt 1\/\d+ · succeeded/)).toBeVisible();
    const [row] = await e2eDb()`select status from orders where id = ${order.id}`;
    expect(row?.status).toBe("refunded");
    const payments = await e2eDb()`select status from payments where order_id = ${order.id}`;
    expect(payments.map((p) => p.status)).toEqual(["refunded"]);
    const [refund] = await e2eDb()`select status, amount_cents, reason from refunds where order_id = ${order.id}`;
    // The whole payment goes back: the books, shipping and tax the gateway charged.
    const [amounts] = await e2eDb()`select subtotal_cents, total_cents from orders where id = ${orderId}`;
    expect(amounts!.subtotal_cents).toBe(2500);
    expect(refund).toMatchObject({ status: "succeeded", amount_cents: amounts!.total_cents, reason: "requested_by_admin" });
    expect(await stockOf(book)).toEqual({ available: 3, reserved: 0, sold: 0 });
    await context.close();
  });

  test("orders filter by the day they were placed, with counts per status for those days", async ({ browser }) => {
    // The order is placed, then looked for under today's date: not across midnight UTC.
    test.setTimeout(test.info().timeout + 31_000);
    await awayFromUtcMidnight(30_000);
    const shopper = await signedInShopper();
    const book = await createBook(2, "A Dated Order Book");
    await shopper.api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
    const order = await (await shopper.api.post("/api/checkout")).json();
    const today = new Date().toISOString().slice(0, 10);
    const context = await adminContext(browser);
    const page = await context.newPage();
    await page.goto("/admin/orders");
    await page.getByLabel("Placed from").fill(today);
    await page.getByLabel("to", { exact: true }).fill(today);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(new RegExp(`from=${today}&to=${today}`));
    await expect(page.getByRole("link", { name: order.id.slice(0, 8).toUpperCase() })).toBeVisible();
    await page.goto("/admin/orders?from=2001-01-01&to=2001-01-31");
    await expect(page.getByText("No orders match this filter.")).toBeVisible();
    await expect(page.getByRole("link", { name: "All (0)" })).toBeVisible();
    await page.goto("/admin/orders?from=yesterday");
    await expect(page.getByRole("alert").filter({ hasText: "Filter ignored" })).toContainText("from: use YYYY-MM-DD");
    await context.close();
  });

  test("the console does not exist for customers; visitors are sent to sign in first", async () => {
    const shopper = await signedInShopper();
    expect((await shopper.api.get("/admin/orders")).status()).toBe(404);
    const visitor = await (await client()).get("/admin/orders?status=paid", { maxRedirects: 0 });
    expect(visitor.status()).toBe(307);
    expect(visitor.headers().location).toMatch(/\/signin\?callbackUrl=%2Fadmin%2Forders%3Fstatus%3Dpaid$/);
  });

  test("an unknown order is a real 404 for the admin too", async () => {
    const admin = await client();
    await signIn(admin, "admin@example.com", "admin-pass-1");
    expect((await admin.get("/admin/orders/00000000-0000-4000-8000-000000000000")).status()).toBe(404);
    expect((await admin.get("/admin/orders/not-an-id")).status()).toBe(404);
    expect((await admin.get("/admin/machine")).status()).toBe(200);
  });
  test("admin fulfil or refund of an order in the wrong state is 409 and changes nothing", async () => {
    const admin = await client();
    expect((await signIn(admin, "admin@example.com", "admin-pass-1")).status()).toBeLessThan(400);
    // Unpaid (created), and cancelled by its shopper: neither can be shipped or refunded.
    const bookId = await createBook(4, "A Wrong State Book");
    const orders: string[] = [];
    // Two shoppers, one copy each (a cart has one open order: docs/PAYMENTS.md).
    const shoppers = [await signedInShopper(), await signedInShopper()];
    for (const [i, shopper] of shoppers.entries()) {
      await shopper.api.post("/api/cart/items", { data: { bookId, quantity: 1 } });
      orders.push(
        (await (await shopper.api.post("/api/checkout", { headers: { "Idempotency-Key": `wrong-state-${i}-${bookId}` } })).json()).id,
      );
    }
    const [unpaid, cancelled] = orders as [string, string];
    expect((await shoppers[1]!.api.post(`/api/orders/${cancelled}/cancel`)).status()).toBe(200);
    for (const [orderId, status] of [
      [unpaid, "created"],
      [cancelled, "cancelled"],
    ] as const) {
      const before = await e2eDb()`select status, revision, machine_snapshot from orders where id = ${orderId}`;
      const events = await e2eDb()`select count(*)::int as n from order_events where order_id = ${orderId}`;
      for (const action of ["fulfil", "refund"]) {
        const response = await admin.post(`/api/admin/orders/${orderId}/${action}`, { data: {} });
        expect(response.status(), `${action} of a ${status} order`).toBe(409);
        expect((await response.json()).error.code).toBe("invalid_transition");
      }
      expect(await e2eDb()`select status, revision, machine_snapshot from orders where id = ${orderId}`).toEqual(before);
      expect(before[0]?.status).toBe(status);
      expect(await e2eDb()`select count(*)::int as n from order_events where order_id = ${orderId}`).toEqual(events);
      expect(await e2eDb()`select count(*)::int as n from refunds where order_id = ${orderId}`).toEqual([{ n: 0 }]);
    }
    expect(await stockOf(bookId)).toEqual({ available: 3, reserved: 1, sold: 0 });
  });
});
