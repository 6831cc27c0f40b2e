import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { client, signIn, signedInShopper } from "../support/api";
import { createBook, e2eDb } from "../support/db";

const shots = "docs/screenshots";

test.describe("operator console", () => {
  test("admin sees counts and stuck orders, opens a paid order and fulfils it by hand", async ({ browser }) => {
    const shopper = await signedInShopper();
    const book = await createBook(4, "An Operator's Book", 1999);
    await shopper.api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
    const order = await (await shopper.api.post("/api/checkout")).json();
    const { checkoutUrl } = await (await shopper.api.post(`/api/orders/${order.id}/payments`)).json();
    const emulator = readFileSync(".data/e2e-emulator-url", "utf8").trim();
    await fetch(`${emulator}/_emulator/sessions/${String(checkoutUrl).split("/pay/")[1]}/pay`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ card: "4242424242424242" }) });
    await expect.poll(async () => (await e2eDb()`select status from orders where id = ${order.id}`)[0]?.status, { timeout: 20_000 }).toBe("paid");

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
    await page.getByRole("link", { name: order.id.slice(0, 8).toUpperCase() }).first().click();
    await expect(page.getByText("Webhook deliveries")).toBeVisible();
    await page.getByRole("button", { name: "Fulfil now" }).click();
    await expect(page.getByText("Shipped").first()).toBeVisible();
    await page.screenshot({ path: `${shots}/admin-order.png`, fullPage: true });
    const [row] = await e2eDb()`select status, tracking_number from orders where id = ${order.id}`;
    expect(row?.status).toBe("fulfilled");
    expect(row?.tracking_number).toMatch(/^PL/);
    await context.close();
  });

  test("the console does not exist for customers", async () => {
    const shopper = await signedInShopper();
    expect((await shopper.api.get("/admin/orders")).status()).toBe(404);
    expect((await (await client()).get("/admin/orders")).status()).toBe(404);
  });
});
