import { randomUUID } from "node:crypto";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { expect, test } from "../support/test";
import { client, signIn, signedInShopper } from "../support/api";
import { adminContext } from "../support/browser";
import { createBook, e2eDb } from "../support/db";
import { orderStatus, paidOrder, payOnEmulator } from "../support/orders";

// Issue #20, operators: the orders list is a worklist (search, pages, the to-ship queue, who ordered),
// one word for shipping, the event log in words, and a sales page whose figures agree with the orders page and SQL.

const shots = "docs/screenshots";
const short = (id: string) => id.slice(0, 8).toUpperCase();
const MOBILE = { width: 390, height: 844 };

async function adminApi(): Promise<APIRequestContext> {
  const admin = await client();
  expect((await signIn(admin, "admin@example.com", "admin-pass-1")).status()).toBeLessThan(400);
  return admin;
}

async function mobileAdmin(browser: Browser): Promise<Page> {
  const admin = await adminApi();
  const context = await browser.newContext({ storageState: await admin.storageState(), viewport: MOBILE, isMobile: true, hasTouch: true });
  return context.newPage();
}

/** No horizontal scrolling of the page itself on a phone (wide tables scroll inside their panel). */
async function expectNoSideScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
}

test.describe("the orders list is a worklist", () => {
  test("search by e-mail, name and order number; the to-ship queue beside 'Needs attention'; pages past the newest 100; capped input", async ({
    browser,
  }) => {
    const { orderId, shopper } = await paidOrder({ title: "A Worklist Book", priceCents: 1800 });
    const context = await adminContext(browser);
    const page = await context.newPage();
    await page.goto("/admin/orders");

    // The paid order waits in "To ship", whatever "Needs attention" says. The panel previews the five oldest
    // payments; the queue's own page, searched by the order's number, holds ours.
    await page.goto(`/admin/orders?queue=to-ship&q=${short(orderId)}`);
    await expect(page.getByRole("table").getByRole("link", { name: short(orderId) })).toBeVisible();
    await page.goto("/admin/orders");
    await expect(page.getByRole("region", { name: /^To ship \(\d+\)$/ })).toBeVisible();
    await expect(page.getByRole("heading", { name: /^Needs attention \(\d+\)$/ })).toBeVisible();
    // Its count is SQL's, read together with the page (a job elsewhere may ship or pay an order in between).
    await expect(async () => {
      await page.reload();
      const [waiting] = await e2eDb()<{ n: number }[]>`select count(*)::int as n from orders where status = 'paid'`;
      await expect(page.getByRole("heading", { name: `To ship (${waiting!.n})` })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await page.screenshot({ path: `${shots}/admin-orders.png`, fullPage: true });

    // Search by e-mail: the order, with its customer's name and e-mail on the row.
    const search = page.getByRole("search").filter({ has: page.getByRole("searchbox", { name: "Search orders" }) });
    await search.getByRole("searchbox").fill(shopper.email.toUpperCase());
    await search.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=/);
    const rows = page.getByRole("table").getByRole("row");
    await expect(rows).toHaveCount(2); // the header and the one order
    await expect(rows.nth(1)).toContainText(short(orderId));
    await expect(rows.nth(1)).toContainText(shopper.email);
    await expect(rows.nth(1)).toContainText(shopper.name);
    await page.screenshot({ path: `${shots}/admin-orders-search.png`, fullPage: true });

    // By the order number as the pages print it, and in the to-ship queue.
    await page.goto(`/admin/orders?q=${short(orderId).toLowerCase()}`);
    await expect(page.getByRole("table").getByRole("link", { name: short(orderId) })).toBeVisible();
    await page.goto("/admin/orders");
    await page.getByRole("link", { name: /^To ship \(\d+\)$/ }).click();
    await expect(page.getByRole("heading", { name: /^To ship: paid, not shipped yet/ })).toBeVisible();
    await expect(page.getByRole("table").getByRole("link", { name: short(orderId) })).toBeVisible();

    // 120 orders of one customer on one day: three pages of 50, 50 and 20, with newer/older links.
    const email = `pages-${randomUUID().slice(0, 8)}@example.com`;
    const [user] = await e2eDb()<{ id: string }[]>`
      insert into users (email, password_hash, name) values (${email}, 'not-a-hash', 'Paging Customer') returning id`;
    const ids: string[] = [];
    try {
      for (let i = 0; i < 120; i++) {
        const at = new Date(Date.UTC(2001, 5, 1) + i * 60_000).toISOString();
        const [row] = await e2eDb()<{ id: string }[]>`
          insert into orders (user_id, status, machine_snapshot, machine_version, payment_deadline, subtotal_cents, total_cents, currency, created_at, updated_at)
          values (${user!.id}, 'cancelled', '{}'::jsonb, 1, ${at}, 100, 100, 'usd', ${at}, ${at}) returning id`;
        ids.push(row!.id);
      }
      await page.goto(`/admin/orders?q=${email}&from=2001-06-01&to=2001-06-01`);
      await expect(page.getByText("Page 1: orders 1–50")).toBeVisible();
      await expect(page.getByRole("link", { name: /Newer orders/ })).toHaveCount(0);
      await page.getByRole("link", { name: "Older orders →" }).click();
      await expect(page.getByText("Page 2: orders 51–100")).toBeVisible();
      await page.getByRole("link", { name: "Older orders →" }).click();
      await expect(page.getByText("Page 3: orders 101–120")).toBeVisible();
      await expect(page.getByRole("link", { name: /Older orders/ })).toHaveCount(0);
      // The oldest order is the last row of the last page.
      await expect(page.getByRole("table").getByRole("row").last()).toContainText(short(ids[0]!));
      await page.getByRole("link", { name: "← Newer orders" }).click();
      await expect(page.getByText("Page 2: orders 51–100")).toBeVisible();
    } finally {
      await e2eDb()`delete from orders where id = any(${ids}::uuid[])`;
      await e2eDb()`delete from users where id = ${user!.id}`;
    }

    // Capped input: the page says what it ignored; the API answers 400.
    await page.goto(`/admin/orders?q=${"x".repeat(300)}`);
    await expect(page.getByRole("alert").filter({ hasText: "Filter ignored" })).toContainText("q: at most 254 characters");
    await page.goto("/admin/orders?page=0");
    await expect(page.getByRole("alert").filter({ hasText: "Filter ignored" })).toContainText("page: a page number from 1 to 1000");
    const admin = await adminApi();
    for (const query of [`q=${"x".repeat(300)}`, "page=0", "page=1001", "page=abc", "queue=everything"]) {
      expect((await admin.get(`/api/admin/orders?${query}`)).status(), query).toBe(400);
    }
    const found = await admin.get(`/api/admin/orders?q=${encodeURIComponent(shopper.email)}`);
    expect(found.status()).toBe(200);
    expect(await found.json()).toMatchObject({
      page: 1,
      hasMore: false,
      items: [{ id: orderId, email: shopper.email, name: shopper.name }],
    });
    // Still only for operators.
    expect((await shopper.api.get(`/api/admin/orders?q=${encodeURIComponent(shopper.email)}`)).status()).toBe(404);

    const phone = await mobileAdmin(browser);
    await phone.goto(`/admin/orders?q=${encodeURIComponent(shopper.email)}`);
    await expect(phone.getByRole("heading", { name: "Orders", level: 1 })).toBeVisible();
    await expectNoSideScroll(phone);
    await phone.screenshot({ path: `${shots}/admin-orders-mobile.png`, fullPage: true });
    await phone.context().close();
    await context.close();
  });

  test("the order page names the customer, shows the event log as fields with the raw JSON one click away, and ships with 'Ship now'", async ({
    browser,
  }) => {
    const { orderId, shopper } = await paidOrder({ title: "A Readable Log Book", priceCents: 2100 });
    const context = await adminContext(browser);
    const page = await context.newPage();
    await page.goto(`/admin/orders/${orderId}`);

    const customer = page.getByRole("region", { name: "Customer" });
    await expect(customer).toContainText(shopper.name);
    await expect(customer).toContainText(shopper.email);
    await expect(customer).toContainText("Account since");
    await expect(customer.getByRole("link", { name: "1 order with this address" })).toHaveAttribute(
      "href",
      `/admin/orders?q=${encodeURIComponent(shopper.email)}`,
    );

    // "Payment received": its amount as money, its ids as fields; the JSON only once asked for.
    const log = page.getByRole("region", { name: /Event log/ });
    const paidRow = log.getByRole("row").filter({ hasText: "Payment received" });
    const [amounts] = await e2eDb()<{ total_cents: number }[]>`select total_cents from orders where id = ${orderId}`;
    const total = amounts!.total_cents;
    await expect(paidRow.getByRole("definition").filter({ hasText: `$${(total / 100).toFixed(2)}` })).toBeVisible();
    await expect(paidRow.getByRole("term").filter({ hasText: /^Amount$/ })).toBeVisible();
    const raw = paidRow.locator("pre");
    await expect(raw).toBeHidden();
    await paidRow.getByText("Raw", { exact: true }).click();
    await expect(raw).toBeVisible();
    await expect(raw).toContainText(`"amountCents": ${total}`);
    await expect(log.getByText(/^\{"/)).toHaveCount(0);

    // One word for shipping: the button ships, the order says Shipped; nothing says "fulfil" to a person.
    await expect(page.getByRole("button", { name: /fulfil/i })).toHaveCount(0);
    page.on("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Ship now" }).click();
    await expect.poll(() => orderStatus(orderId)).toBe("fulfilled");
    await expect(page.getByText("Shipped", { exact: true }).first()).toBeVisible();
    await page.screenshot({ path: `${shots}/admin-order.png`, fullPage: true });

    const phone = await mobileAdmin(browser);
    await phone.goto(`/admin/orders/${orderId}`);
    await expect(phone.getByRole("region", { name: "Customer" })).toContainText(shopper.email);
    await expectNoSideScroll(phone);
    await phone.screenshot({ path: `${shots}/admin-order-mobile.png`, fullPage: true });
    await phone.context().close();
    await context.close();
  });
});

test.describe("the sales page adds up", () => {
  test("orders in every state: each status figure is the orders page's count and SQL's; the money is SQL's", async ({ browser }) => {
    const admin = await adminApi();
    // Awaiting payment, and cancelled: two shoppers (a second checkout of one cart resumes its open order).
    const book = await createBook(10, "A Sales Figure Book", 1500);
    const waiting = await signedInShopper();
    await waiting.api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
    expect((await waiting.api.post("/api/checkout", { headers: { "Idempotency-Key": randomUUID() } })).status()).toBeLessThan(300);
    const shopper = await signedInShopper();
    await shopper.api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
    const cancelled = await (await shopper.api.post("/api/checkout", { headers: { "Idempotency-Key": randomUUID() } })).json();
    expect((await shopper.api.post(`/api/orders/${cancelled.id}/cancel`)).status()).toBe(200);
    // Paid; shipped; delivered; refunded; partly refunded; disputed.
    await paidOrder({ title: "A Sales Paid Book" });
    const shipped = await paidOrder({ title: "A Sales Shipped Book" });
    expect((await admin.post(`/api/admin/orders/${shipped.orderId}/fulfil`)).status()).toBe(200);
    const delivered = await paidOrder({ title: "A Sales Delivered Book" });
    expect((await admin.post(`/api/admin/orders/${delivered.orderId}/fulfil`)).status()).toBe(200);
    expect((await admin.post(`/api/admin/orders/${delivered.orderId}/deliver`)).status()).toBe(200);
    const refunded = await paidOrder({ title: "A Sales Refunded Book" });
    expect((await admin.post(`/api/admin/orders/${refunded.orderId}/refund`, { data: {} })).status()).toBe(202);
    const partly = await paidOrder({ title: "A Sales Partly Refunded Book" });
    expect((await admin.post(`/api/admin/orders/${partly.orderId}/partial-refund`, { data: { amountCents: 250 } })).status()).toBe(202);
    const disputedBook = await createBook(3, "A Sales Disputed Book", 1500);
    const disputer = await signedInShopper();
    await disputer.api.post("/api/cart/items", { data: { bookId: disputedBook, quantity: 1 } });
    const disputed = await (await disputer.api.post("/api/checkout")).json();
    const { checkoutUrl } = await (await disputer.api.post(`/api/orders/${disputed.id}/payments`)).json();
    await payOnEmulator(String(checkoutUrl), "4000000000000259");
    await expect.poll(() => orderStatus(refunded.orderId), { timeout: 20_000 }).toBe("refunded");
    await expect
      .poll(async () => (await e2eDb()`select status from refunds where order_id = ${partly.orderId}`).map((r) => r.status), {
        timeout: 20_000,
      })
      .toEqual(["succeeded"]);
    await expect
      .poll(async () => (await e2eDb()`select outcome from disputes where order_id = ${disputed.id}`).map((r) => r.outcome), {
        timeout: 20_000,
      })
      .toEqual(["open"]);
    expect(await orderStatus(partly.orderId)).toBe("paid");
    expect(await orderStatus(disputed.id)).toBe("paid");

    const context = await adminContext(browser);
    const page = await context.newPage();
    await page.goto("/admin/sales");
    /** The figure under `label` in the list of cards named `list`. */
    const read = async (list: string, label: string) =>
      (await page
        .getByLabel(list, { exact: true })
        .locator("div")
        .filter({ has: page.getByRole("term").filter({ hasText: new RegExp(`^${label}$`) }) })
        .getByRole("definition")
        .textContent()) ?? "";
    const number = (text: string) => Number(text.replace(/[^0-9.-]/g, ""));
    const cents = (text: string) => Math.round(number(text) * 100);

    // SQL over the same 30 UTC days.
    const db = e2eDb();
    const byStatus = Object.fromEntries(
      (
        await db<{ status: string; n: number }[]>`
          select status, count(*)::int as n from orders
          where created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' - interval '29 days' group by status`
      ).map((r) => [r.status, r.n]),
    );
    const [money] = await db<{ payments: number; revenue: number; refunds: number; lost: number }[]>`
      with since as (select date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' - interval '29 days' as t)
      select
        (select count(*)::int from orders, since where paid_at >= since.t) as payments,
        (select coalesce(sum(total_cents), 0)::int from orders, since where paid_at >= since.t) as revenue,
        (select coalesce(sum(amount_cents), 0)::int from refunds, since where status = 'succeeded' and updated_at >= since.t) as refunds,
        (select coalesce(sum(amount_cents), 0)::int from disputes, since where outcome = 'lost' and closed_at >= since.t) as lost`;
    const labels = { created: "Awaiting payment", paid: "Paid", fulfilled: "Shipped", delivered: "Delivered", cancelled: "Cancelled" };
    for (const status of ["created", "paid", "fulfilled", "delivered", "cancelled", "refunded"] as const) {
      expect(byStatus[status] ?? 0, status).toBeGreaterThan(0);
    }
    const placed = Object.values(byStatus).reduce((a, b) => a + b, 0);
    expect(number(await read("Orders placed by status now", "Orders placed"))).toBe(placed);
    for (const [status, label] of Object.entries({ ...labels, refund_pending: "Refund in progress", refunded: "Refunded" })) {
      expect(number(await read("Orders placed by status now", label)), label).toBe(byStatus[status] ?? 0);
    }
    expect(number(await read("Money in these days", "Payments taken"))).toBe(money!.payments);
    expect(cents(await read("Money in these days", "Revenue"))).toBe(money!.revenue);
    expect(cents(await read("Money in these days", "Refunds"))).toBe(money!.refunds);
    expect(cents(await read("Money in these days", "Lost in disputes"))).toBe(money!.lost);
    expect(cents(await read("Money in these days", "Net revenue"))).toBe(money!.revenue - money!.refunds - money!.lost);
    // The definitions are on the page.
    await expect(page.getByText(/Each order counts once, on the day it was placed, under the status it has now/)).toBeVisible();
    await page.screenshot({ path: `${shots}/admin-sales.png`, fullPage: true });

    // "Paid" here is "Paid" on the orders page for the same days: the figure opens them.
    const paid = String(byStatus.paid);
    // By where it goes: another status may have the same count.
    const paidFigure = page.getByLabel("Orders placed by status now").locator('a[href*="status=paid&"]');
    await expect(paidFigure).toHaveText(paid);
    await paidFigure.click();
    await expect(page).toHaveURL(/\/admin\/orders\?status=paid&from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);
    await expect(page.getByRole("link", { name: `Paid (${paid})` })).toHaveAttribute("aria-current", "page");

    const phone = await mobileAdmin(browser);
    await phone.goto("/admin/sales");
    await expect(phone.getByRole("heading", { name: "Sales", level: 1 })).toBeVisible();
    await expectNoSideScroll(phone);
    await phone.screenshot({ path: `${shots}/admin-sales-mobile.png`, fullPage: true });
    await phone.context().close();
    await context.close();
  });
});
