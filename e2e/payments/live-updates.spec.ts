import type { Page } from "@playwright/test";
import { expect, test } from "../support/test";
import { adminContext, fillShippingAddress, shopperContext } from "../support/browser";
import { e2eDb } from "../support/db";
import { emulatorConfig, emulatorUrl as emulator, orderStatus, payOnEmulator } from "../support/orders";

// The order pages follow the order live (server-sent events fed by Postgres
// LISTEN/NOTIFY): no reload, no polling, whoever changed the order.

/** Marks the document, counts requests for the order's JSON: a reload drops the mark, polling shows in the count. */
async function watchForReloadAndPolling(page: Page, orderId: string) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  let polls = 0;
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === `/api/orders/${orderId}`) polls++;
  });
  return {
    sameDocument: () => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true),
    polls: () => polls,
  };
}

test.describe("live order pages", () => {
  test("the webhook arrives after the redirect: the success page flips to paid by itself, over the event stream", async ({ browser }) => {
    await emulatorConfig({ asyncDelayMs: 600_000 }); // the transfer settles only when this test says so
    try {
      const { context, orderId } = await shopperContext(browser, { order: true, title: "A Live Update Book" });
      const page = await context.newPage();
      await page.goto(`/orders/${orderId}`);
      await page.getByRole("button", { name: /pay now/i }).click();
      await fillShippingAddress(page);
      await page.getByLabel("Account number").fill("000123456789");
      await page.getByRole("button", { name: /pay by bank transfer/i }).click();
      await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_/);
      await expect(page.getByRole("heading", { name: /confirming your payment/i })).toBeVisible();
      await expect(page.locator("[data-update-mode]")).toHaveAttribute("data-update-mode", "live");
      const watch = await watchForReloadAndPolling(page, orderId!);
      expect((await e2eDb()`select status from orders where id = ${orderId!}`)[0]?.status).toBe("created");

      const sessionId = new URL(page.url()).searchParams.get("session_id")!;
      const settled = await fetch(`${emulator()}/_emulator/sessions/${sessionId}/settle`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ outcome: "succeeded" }),
      });
      expect(settled.ok).toBe(true);

      await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible({ timeout: 15_000 });
      expect(await watch.sameDocument()).toBe(true);
      expect(watch.polls()).toBe(0);
      expect((await e2eDb()`select status from orders where id = ${orderId!}`)[0]?.status).toBe("paid");
      await context.close();
    } finally {
      await emulatorConfig({ asyncDelayMs: 2000 });
    }
  });

  test("an operator fulfils an order while the shopper looks at it: the shopper's page shows it shipped", async ({ browser }) => {
    const { context, orderId, api } = await shopperContext(browser, { order: true, title: "A Watched Order Book" });
    await payOnEmulator((await (await api.post(`/api/orders/${orderId}/payments`)).json()).checkoutUrl as string);
    await expect.poll(() => orderStatus(orderId!), { timeout: 20_000 }).toBe("paid");

    const page = await context.newPage();
    await page.goto(`/orders/${orderId}`);
    await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
    await expect(page.locator("[data-update-mode]")).toHaveAttribute("data-update-mode", "live");
    const watch = await watchForReloadAndPolling(page, orderId!);

    const admin = await adminContext(browser);
    const adminPage = await admin.newPage();
    await adminPage.goto(`/admin/orders/${orderId}`);
    await adminPage.getByRole("button", { name: "Ship now" }).click();

    await expect(page.getByRole("heading", { name: "Shipped" })).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText(/Tracking number PL/)).toBeVisible();
    expect(await watch.sameDocument()).toBe(true);
    expect(watch.polls()).toBe(0);
    await admin.close();
    await context.close();
  });

  test("without EventSource the order page falls back to polling and still follows the order", async ({ browser }) => {
    const { context, orderId } = await shopperContext(browser, { order: true, title: "A Polled Order Book" });
    await context.addInitScript(() => {
      delete (window as { EventSource?: unknown }).EventSource;
    });
    const page = await context.newPage();
    await page.goto(`/orders/${orderId}`);
    await expect(page.locator("[data-update-mode]")).toHaveAttribute("data-update-mode", "polling");
    // The shopper cancels in another tab (through the API): this page shows it within a poll or two.
    const cancelled = await context.request.post(`/api/orders/${orderId}/cancel`, { headers: { Origin: new URL(page.url()).origin } });
    expect(cancelled.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Order cancelled" })).toBeVisible({ timeout: 10_000 });
    await context.close();
  });
});
