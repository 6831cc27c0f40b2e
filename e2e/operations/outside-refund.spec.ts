import { expect, test } from "../support/test";
import { client, signIn } from "../support/api";
import { adminContext } from "../support/browser";
import { e2eDb } from "../support/db";
import { decideDispute, disputeOrderPayment, orderStatus, paidOrder } from "../support/orders";

const shots = "docs/screenshots";

test.describe("a refund the card payment cannot take", () => {
  test("a dispute lost for part of an unshipped order, its copies written off: the console asks to pay the rest another way, and records it", async ({
    browser,
  }) => {
    const { orderId, bookId, shopper } = await paidOrder({ title: "A Partly Charged Back Book", stock: 2, quantity: 2, priceCents: 2000 });
    const [{ total_cents: total }] = (await e2eDb()`select total_cents from orders where id = ${orderId}`) as unknown as [
      { total_cents: number },
    ];
    // The shopper's bank takes back 15.00 of it, and wins (the gateway's webhooks tell the store).
    const disputeId = await disputeOrderPayment(orderId, 1500);
    await expect
      .poll(async () => (await e2eDb()`select outcome from disputes where id = ${disputeId}`)[0]?.outcome, { timeout: 20_000 })
      .toBe("open");
    await decideDispute(disputeId, "lost");
    await expect
      .poll(async () => (await e2eDb()`select outcome from disputes where id = ${disputeId}`)[0]?.outcome, { timeout: 20_000 })
      .toBe("lost");

    // Both copies turn out to be missing: the operator writes them off.
    const adminApi = await client();
    expect((await signIn(adminApi, "admin@example.com", "admin-pass-1")).status()).toBeLessThan(400);
    const writtenOff = await adminApi.post(`/api/admin/books/${bookId}/stock`, { data: { action: "write_off", copies: 2 } });
    expect(writtenOff.status()).toBe(200);
    const admin = await adminContext(browser);
    const ops = await admin.newPage();
    await expect.poll(() => orderStatus(orderId), { timeout: 20_000 }).toBe("refund_pending");

    // The console: what is owed, and where to record how it was paid. Nothing was sent to the gateway.
    await ops.goto(`/admin/orders/${orderId}`);
    const owed = ops.getByRole("region", { name: "Refunds to pay outside the gateway" });
    await expect(owed).toBeVisible();
    await expect(owed).toContainText(`$${((total - 1500) / 100).toFixed(2)}`);
    await expect(ops.getByRole("alert").filter({ hasText: "This order needs an operator: a refund of" })).toContainText(
      "owed outside the gateway",
    );
    await expect(ops.getByTestId("refund-outside")).toHaveText("The card payment cannot take this refund: it is paid back another way");
    await ops.screenshot({ path: `${shots}/refund-outside-owed.png`, fullPage: true });
    expect(await e2eDb()`select 1 from refunds where order_id = ${orderId} and gateway_refund_id is not null`).toHaveLength(0);

    // The shopper is told what is owed, and how it will come back.
    const shopperBrowser = await browser.newContext({ storageState: await shopper.api.storageState() });
    const page = await shopperBrowser.newPage();
    await page.goto(`/orders/${orderId}`);
    await expect(page.getByText(`We owe you $${((total - 1500) / 100).toFixed(2)} because`)).toContainText(
      "we will pay it back to you another way",
    );
    await page.screenshot({ path: `${shots}/refund-outside-shopper-owed.png`, fullPage: true });

    // The operator paid the shopper by bank transfer, and records it.
    await owed.getByLabel("How it was paid").fill("Bank transfer BT-1130-17");
    await owed.getByRole("button", { name: "Record as paid" }).click();
    await expect(owed).toHaveCount(0);
    await expect(ops.getByText(/^Refunded$/).first()).toBeVisible();
    await expect(ops.getByTestId("refund-outside")).toHaveText("Paid back outside the card payment: Bank transfer BT-1130-17");
    expect(await orderStatus(orderId)).toBe("refunded");
    await expect(ops.getByRole("alert").filter({ hasText: "This order needs an operator" })).toHaveCount(0);
    await ops.screenshot({ path: `${shots}/refund-outside-recorded.png`, fullPage: true });

    // The shopper's order page says how the money came back.
    await page.goto(`/orders/${orderId}`);
    await expect(page.getByTestId("refund-outside")).toContainText("Paid back outside the card payment");
    await expect(
      page.getByText(`We’ve paid back $${((total - 1500) / 100).toFixed(2)} outside the card payment, as arranged with you.`),
    ).toBeVisible();
    await expect(page.getByText(`$${((total - 1500) / 100).toFixed(2)} paid back outside the card payment.`)).toBeVisible();
    await page.screenshot({ path: `${shots}/refund-outside-shopper.png`, fullPage: true });
    await shopperBrowser.close();
    await admin.close();
  });
});
