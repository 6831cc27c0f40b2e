import AxeBuilder from "@axe-core/playwright";
import { waitForTitle } from "../support/axe";
import type { Page } from "@playwright/test";
import { HookReceiver } from "@/test/hook-receiver";
import { expect, test } from "../support/test";
import { adminContext } from "../support/browser";
import { e2eDb } from "../support/db";
import { paidOrder } from "../support/orders";

const shots = "docs/screenshots";

/** axe-core: no serious or critical WCAG 2.1 A/AA violation on the page as it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  await waitForTitle(page);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.help}`);
}

// The operator console's outbound hooks: register an endpoint (its secret shown
// once), an order's events reach a real receiver signed and in sequence, the
// deliveries are listed, one is redelivered (the receiver counts a duplicate),
// the endpoint is disabled and enabled again, its secret rolled (both secrets
// sign for a while), and it is deleted (after a confirmation).
/**
 * The status of the order's OrderPaid delivery to `url`. The receiver has the event before the deliverer writes its
 * outcome (another transaction), and the hook's page is rendered once: the test waits on this before it looks.
 */
async function paidDeliveryStatus(orderId: string, url: string): Promise<string[]> {
  const rows = await e2eDb()`
    select d.status from hook_deliveries d join hook_endpoints e on e.id = d.endpoint_id
    where d.order_id = ${orderId} and d.event_type = 'OrderPaid' and e.url = ${url}`;
  return rows.map((row) => row.status as string);
}

test.describe("outbound hooks", () => {
  const receiver = new HookReceiver();
  let url = "";

  test.beforeAll(async () => {
    url = await receiver.start();
  });

  test.afterAll(async () => {
    // Later specs' orders must not be sent to a stopped receiver.
    await e2eDb()`delete from hook_endpoints where url = ${url}`;
    await receiver.stop();
  });

  test("the operator registers an endpoint, sees an order's deliveries and redelivers one", async ({ browser }) => {
    const context = await adminContext(browser);
    const page = await context.newPage();
    await page.goto("/admin/hooks");
    await expect(page.getByRole("heading", { name: "Outbound hooks" })).toBeVisible();

    // Bad input is refused in the form, before any request.
    await page.getByLabel("Endpoint URL").fill("ftp://example.com/hooks");
    await page.getByRole("button", { name: "Register endpoint" }).click();
    await expect(page.getByText("The URL must start with http:// or https://")).toBeVisible();

    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByLabel("Note (optional)").fill("the warehouse's order feed");
    await page.getByRole("button", { name: "Register endpoint" }).click();
    await expect(page.getByText(`Registered ${url}`)).toBeVisible();
    const secret = (await page.getByTestId("hook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    receiver.secret = secret;
    await expect(page.getByTestId("hook-endpoint").filter({ hasText: url })).toContainText("Enabled");
    await page.screenshot({ path: `${shots}/outbound-hooks.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    // Shown once: a reload no longer has it.
    await page.reload();
    await expect(page.getByTestId("hook-secret")).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);

    const { orderId } = await paidOrder({ title: "A Book Announced By Hook" });
    await expect
      .poll(() => receiver.eventsOf(orderId).map((e) => e.type), { timeout: 20_000 })
      .toEqual(["OrderCreated", "PaymentStarted", "OrderPaid"]);
    expect(receiver.rejected).toEqual([]);
    expect(receiver.orderingProblems()).toEqual([]);
    expect(receiver.eventsOf(orderId).at(-1)!.data.order.status).toBe("paid");

    await expect.poll(() => paidDeliveryStatus(orderId, url), { timeout: 20_000 }).toEqual(["succeeded"]);
    await page.getByRole("link", { name: url }).click();
    await expect(page.getByRole("heading", { name: url })).toBeVisible();
    const paidRow = page
      .getByTestId("hook-delivery")
      .filter({ hasText: "OrderPaid" })
      .filter({ hasText: orderId.slice(0, 8) });
    await expect(paidRow).toHaveAttribute("data-status", "succeeded");
    await expect(paidRow).toContainText("HTTP 200");

    const paidEvent = receiver.eventsOf(orderId).at(-1)!;
    const duplicates = receiver.duplicates;
    await paidRow.getByRole("button", { name: `Redeliver OrderPaid ${paidEvent.id}` }).click();
    await expect.poll(() => receiver.duplicates, { timeout: 20_000 }).toBe(duplicates + 1);
    expect(receiver.arrivals.filter((id) => id === paidEvent.id)).toHaveLength(2);
    await expect.poll(() => paidDeliveryStatus(orderId, url), { timeout: 20_000 }).toEqual(["succeeded"]);
    await page.reload();
    await expect(paidRow).toHaveAttribute("data-status", "succeeded");
    await page.screenshot({ path: `${shots}/outbound-hooks-deliveries.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Disable this endpoint" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Disabled" })).toContainText("disabled by an operator");
    await expect(paidRow.getByRole("button", { name: /Redeliver/ })).toHaveCount(0);
    await page.getByRole("button", { name: "Enable this endpoint" }).click();
    await expect(page.getByText("Enabled.", { exact: true })).toBeVisible();

    // Roll secret: the new one shown once; the receiver switches to it at once, the old one still signs (a second v1).
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Roll secret" }).click();
    const rolled = (await page.getByTestId("hook-secret").textContent())!.trim();
    expect(rolled).toMatch(/^whsec_/);
    expect(rolled).not.toBe(secret);
    await expect(page.getByTestId("secret-state")).toContainText("old secret too until");
    const [stored] = await e2eDb()`select secret, previous_secret from hook_endpoints where url = ${url}`;
    expect(String(stored!.secret)).toMatch(/^enc:v1:/);
    expect(String(stored!.previous_secret)).toMatch(/^enc:v1:/);
    expect(JSON.stringify(stored)).not.toContain(rolled.slice(6));
    await page.screenshot({ path: "/tmp/shots-S/outbound-hooks-rolled.png", fullPage: true });
    receiver.secret = rolled;
    const second = await paidOrder({ title: "A Book Announced After A Roll" });
    await expect
      .poll(() => receiver.eventsOf(second.orderId).map((e) => e.type), { timeout: 20_000 })
      .toEqual(["OrderCreated", "PaymentStarted", "OrderPaid"]);
    expect(receiver.rejected).toEqual([]);
    expect(receiver.lastSignature.match(/v1=/g)).toHaveLength(2);
    await page.reload();
    await expect(page.getByTestId("hook-secret")).toHaveCount(0);

    // Delete asks first; "Cancel" keeps the endpoint, "OK" removes it and its deliveries.
    const endpointId = page.url().split("/").at(-1)!;
    let question = "";
    page.once("dialog", (dialog) => {
      question = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole("button", { name: "Delete endpoint" }).click();
    await expect.poll(() => question).toContain(`Delete the endpoint ${url}?`);
    expect((await e2eDb()`select id from hook_endpoints where id = ${endpointId}`).length).toBe(1);
    await page.screenshot({ path: "/tmp/shots-S/outbound-hooks-delete.png", fullPage: true });
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete endpoint" }).click();
    await expect(page).toHaveURL(/\/admin\/hooks$/);
    await expect(page.getByTestId("hook-endpoint").filter({ hasText: url })).toHaveCount(0);
    expect((await e2eDb()`select id from hook_endpoints where id = ${endpointId}`).length).toBe(0);
    expect((await e2eDb()`select id from hook_deliveries where endpoint_id = ${endpointId}`).length).toBe(0);
    await context.close();
  });
});
