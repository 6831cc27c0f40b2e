import type { Page } from "@playwright/test";
import { expect, test } from "../support/test";
import { baseURL, client, register, signIn, signedInShopper } from "../support/api";
import { adminContext, fillShippingAddress, NEW_YORK, payWithTestCard } from "../support/browser";
import { createBook, e2eDb } from "../support/db";

// Done when (issue 18): a shopper buys two books, enters an address, picks a
// rate, applies a code and pays; the order page, the operator's view, the
// e-mail, the receipt and the database agree on every amount and the address.

const shots = "docs/screenshots";
const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;

type Row = {
  id: string;
  status: string;
  subtotal_cents: number;
  discount_cents: number;
  shipping_cents: number;
  tax_cents: number;
  total_cents: number;
  shipping_method: string;
  promotion_code: string | null;
  shipping_name: string;
  shipping_line1: string;
  shipping_city: string;
  shipping_region: string;
  shipping_postal_code: string;
  shipping_country: string;
};

/** An operator creates a code through the console's API. */
async function operatorCode(percentOff: number): Promise<string> {
  const operator = await client();
  await signIn(operator, "admin@example.com", "admin-pass-1");
  const code = `E2E${Date.now().toString(36).toUpperCase()}`;
  const response = await operator.post("/api/admin/promotion-codes", { data: { code, kind: "percent", percentOff } });
  expect(response.status()).toBe(201);
  return code;
}

/** The totals rows a page shows, by label, as text. */
async function expectTotals(page: Page, prefix: "order" | "receipt", row: Row) {
  await expect(page.getByTestId(`${prefix}-subtotal`)).toContainText(usd(row.subtotal_cents));
  if (row.discount_cents > 0) await expect(page.getByTestId(`${prefix}-discount`)).toContainText(`-${usd(row.discount_cents)}`);
  else await expect(page.getByTestId(`${prefix}-discount`)).toHaveCount(0);
  await expect(page.getByTestId(`${prefix}-shipping`)).toContainText(row.shipping_cents === 0 ? "$0.00" : usd(row.shipping_cents));
  await expect(page.getByTestId(`${prefix}-tax`)).toContainText(usd(row.tax_cents));
  await expect(page.getByTestId(`${prefix}-total`)).toContainText(usd(row.total_cents));
}

async function expectAddress(page: Page) {
  for (const text of [NEW_YORK.name, NEW_YORK.line1, `${NEW_YORK.city}, ${NEW_YORK.state} ${NEW_YORK.postal}`, "United States"]) {
    await expect(page.getByText(text, { exact: true }).first()).toBeVisible();
  }
}

async function buy(page: Page, options: { method: "Express" | "Standard"; code?: string; guestEmail?: string }) {
  await page.goto("/checkout");
  await expect(page.getByTestId("shipping-offer")).toBeVisible();
  if (options.guestEmail) {
    // No account: the store's form asks for the address the order, its link and its e-mails go to.
    await page.getByLabel("Your e-mail address").fill(options.guestEmail);
    await page.screenshot({ path: `${shots}/checkout-guest.png`, fullPage: true });
  } else {
    await page.screenshot({ path: `${shots}/checkout-shipping-offer.png`, fullPage: true });
  }
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
  await fillShippingAddress(page);
  await page.getByLabel(new RegExp(`^${options.method}`)).check();
  if (options.code) {
    await page.getByLabel("Promotion code").fill(options.code);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText(/Discount applied/)).toBeVisible();
  }
  await expect(page.getByText(/Sales Tax/).first()).toBeVisible();
  if (!options.guestEmail) await page.screenshot({ path: `${shots}/gateway-sale.png`, fullPage: true });
  await payWithTestCard(page);
}

async function agreeEverywhere(browserPage: Page, operatorPage: Page, userEmail: string, row: Row, shotPrefix = "") {
  // The database adds up.
  expect(row.total_cents).toBe(row.subtotal_cents - row.discount_cents + row.shipping_cents + row.tax_cents);
  expect([
    row.shipping_name,
    row.shipping_line1,
    row.shipping_city,
    row.shipping_region,
    row.shipping_postal_code,
    row.shipping_country,
  ]).toEqual([NEW_YORK.name, NEW_YORK.line1, NEW_YORK.city, NEW_YORK.state, NEW_YORK.postal, "US"]);
  const [payment] = await e2eDb()`select amount_cents from payments where order_id = ${row.id} and status = 'paid'`;
  expect(payment!.amount_cents).toBe(row.total_cents);

  // The shopper's order page.
  await browserPage.goto(`/orders/${row.id}`);
  await expectTotals(browserPage, "order", row);
  await expectAddress(browserPage);
  await browserPage.screenshot({ path: `${shots}/${shotPrefix}order-sale.png`, fullPage: true });

  // The receipt (printable).
  await browserPage.getByRole("link", { name: "Receipt" }).click();
  await expect(browserPage.getByRole("heading", { name: "Receipt" })).toBeVisible();
  await expectTotals(browserPage, "receipt", row);
  await expectAddress(browserPage);
  await browserPage.screenshot({ path: `${shots}/${shotPrefix}receipt.png`, fullPage: true });
  await browserPage.emulateMedia({ media: "print" });
  await expect(browserPage.getByRole("button", { name: "Print receipt" })).toBeHidden();
  if (!shotPrefix) await browserPage.screenshot({ path: `${shots}/receipt-print.png`, fullPage: true });
  await browserPage.emulateMedia({ media: "screen" });

  // The operator's view and the packing slip.
  await operatorPage.goto(`/admin/orders/${row.id}`);
  await expectTotals(operatorPage, "order", row);
  await expectAddress(operatorPage);
  await operatorPage.screenshot({ path: `${shots}/${shotPrefix}admin-order-sale.png`, fullPage: true });
  await operatorPage.getByRole("link", { name: "Packing slip" }).click();
  await expect(operatorPage.getByRole("heading", { name: "Packing slip" })).toBeVisible();
  await expectAddress(operatorPage);
  if (!shotPrefix) await operatorPage.screenshot({ path: `${shots}/packing-slip.png`, fullPage: true });

  // The e-mail.
  await expect
    .poll(
      async () => (await e2eDb()`select count(*)::int as n from emails where order_id = ${row.id} and subject like '%is paid%'`)[0]!.n,
      { timeout: 20_000 },
    )
    .toBe(1);
  const [mail] = await e2eDb()`select to_address, text_body from emails where order_id = ${row.id} and subject like '%is paid%'`;
  expect(mail!.to_address).toBe(userEmail);
  const text = mail!.text_body as string;
  expect(text).toContain(`Subtotal: ${usd(row.subtotal_cents)}`);
  if (row.discount_cents > 0) expect(text).toContain(`Discount (${row.promotion_code}): -${usd(row.discount_cents)}`);
  expect(text).toContain(`Shipping (${row.shipping_method === "express" ? "Express" : "Standard"}): ${usd(row.shipping_cents)}`);
  expect(text).toContain(`Tax: ${usd(row.tax_cents)}`);
  expect(text).toContain(`Total: ${usd(row.total_cents)}`);
  expect(text).toContain(
    `Ship to:\n${NEW_YORK.name}\n${NEW_YORK.line1}\n${NEW_YORK.city}, ${NEW_YORK.state} ${NEW_YORK.postal}\nUnited States`,
  );
}

async function orderRowOf(bookId: number): Promise<Row> {
  const [row] =
    await e2eDb()`select o.* from orders o join order_items i on i.order_id = o.id where i.book_id = ${bookId} order by o.created_at desc limit 1`;
  return row as unknown as Row;
}

test.describe("a sale with shipping, tax and a promotion code", () => {
  test("signed in: two books to New York by express with an operator's code; every page, the e-mail and the database agree", async ({
    browser,
  }) => {
    const code = await operatorCode(10);
    const shopper = await signedInShopper();
    const first = await createBook(5, "The Express Sale Book", 1299);
    const second = await createBook(5, "The Second Sale Book", 1850);
    await shopper.api.post("/api/cart/items", { data: { bookId: first, quantity: 1 } });
    await shopper.api.post("/api/cart/items", { data: { bookId: second, quantity: 1 } });
    const context = await browser.newContext({ storageState: await shopper.api.storageState() });
    const page = await context.newPage();
    await buy(page, { method: "Express", code });

    const row = await orderRowOf(first);
    expect(row).toMatchObject({
      status: "paid",
      subtotal_cents: 3149,
      shipping_method: "express",
      shipping_cents: 1499,
      promotion_code: code,
    });
    // 10 % off each line (rounded half up), New York sales tax of 4 % on the discounted books and on shipping.
    expect(row.discount_cents).toBe(130 + 185);
    expect(row.tax_cents).toBe(Math.round(1169 * 0.04) + Math.round(1665 * 0.04) + Math.round(1499 * 0.04));
    const operator = await adminContext(browser);
    await agreeEverywhere(page, await operator.newPage(), shopper.email, row);
    await operator.close();
    await context.close();
  });

  test("signed in: over the threshold, standard shipping is free", async ({ browser }) => {
    const shopper = await signedInShopper();
    const first = await createBook(5, "The Free Shipping Book", 2600);
    const second = await createBook(5, "The Other Free Shipping Book", 2500);
    await shopper.api.post("/api/cart/items", { data: { bookId: first, quantity: 1 } });
    await shopper.api.post("/api/cart/items", { data: { bookId: second, quantity: 1 } });
    const context = await browser.newContext({ storageState: await shopper.api.storageState() });
    const page = await context.newPage();
    await buy(page, { method: "Standard" });

    const row = await orderRowOf(first);
    expect(row).toMatchObject({
      status: "paid",
      subtotal_cents: 5100,
      shipping_method: "standard",
      shipping_cents: 0,
      discount_cents: 0,
      promotion_code: null,
    });
    expect(row.tax_cents).toBe(Math.round(2600 * 0.04) + Math.round(2500 * 0.04));
    const operator = await adminContext(browser);
    await agreeEverywhere(page, await operator.newPage(), shopper.email, row);
    await operator.close();
    await context.close();
  });
});

test.describe("a guest's sale (no account)", () => {
  test("a guest buys two books to New York by express with a code; through the e-mail's signed link the order page, the receipt, the operator view, the e-mail and the database agree", async ({
    browser,
  }) => {
    const code = await operatorCode(10);
    const email = `guest-${Date.now().toString(36)}@example.com`;
    const first = await createBook(5, "The Guest Express Book", 1299);
    const second = await createBook(5, "The Guest Second Book", 1850);
    // A browser of its own (its own client address for the per-address limits), signed in nowhere.
    const ip = { "X-Forwarded-For": `127.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.9` };
    const context = await browser.newContext({ extraHTTPHeaders: ip });
    for (const bookId of [first, second]) {
      const added = await context.request.post("/api/cart/items", { data: { bookId, quantity: 1 }, headers: { Origin: baseURL } });
      expect(added.status()).toBe(200);
    }
    const page = await context.newPage();
    await buy(page, { method: "Express", code, guestEmail: email });

    const row = await orderRowOf(first);
    expect(row).toMatchObject({
      status: "paid",
      subtotal_cents: 3149,
      shipping_method: "express",
      shipping_cents: 1499,
      promotion_code: code,
    });
    expect(row.discount_cents).toBe(130 + 185);
    expect(row.tax_cents).toBe(Math.round(1169 * 0.04) + Math.round(1665 * 0.04) + Math.round(1499 * 0.04));
    const [owner] = await e2eDb()`select user_id, guest_email, customer_email from orders where id = ${row.id}`;
    expect(owner).toEqual({ user_id: null, guest_email: email, customer_email: email });

    // The order e-mail carries the signed link; in a fresh browser (no cookie) only that link opens the order.
    await expect
      .poll(
        async () =>
          (
            await e2eDb()`select count(*)::int as n from emails where order_id = ${row.id} and to_address = ${email} and subject like '%reserved%'`
          )[0]!.n,
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThan(0);
    const [created] = await e2eDb()`select text_body from emails where order_id = ${row.id} and subject like '%reserved%'`;
    const link = /(http\S+\/orders\/[0-9a-f-]{36}\/access\?token=[A-Za-z0-9_-]{43})/.exec(created!.text_body as string)![1]!;
    const elsewhere = await browser.newContext({ extraHTTPHeaders: ip });
    const guestPage = await elsewhere.newPage();
    const tampered = link.replace(/token=(.)/, (_, c: string) => `token=${c === "A" ? "B" : "A"}`);
    expect((await guestPage.goto(new URL(tampered).pathname + new URL(tampered).search))!.status()).toBe(404);
    expect((await guestPage.goto(`/orders/${row.id}`))!.url()).toContain("/signin");
    await guestPage.goto(new URL(link).pathname + new URL(link).search);
    await expect(guestPage).toHaveURL(new RegExp(`/orders/${row.id}$`));
    await expect(guestPage.getByText(`Guest order for ${email}`)).toBeVisible();
    // The token now lives in an httpOnly cookie for this order only.
    const cookies = await elsewhere.cookies();
    expect(cookies.find((c) => c.name === `guest_order_${row.id}`)).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    const operator = await adminContext(browser);
    const operatorPage = await operator.newPage();
    await agreeEverywhere(guestPage, operatorPage, email, row, "guest-");
    const [paidMail] = await e2eDb()`select text_body from emails where order_id = ${row.id} and subject like '%is paid%'`;
    expect(paidMail!.text_body).toContain(`/orders/${row.id}/access?token=`);

    // Signing up with the address claims the order only once the mailed link proves it.
    const account = await client();
    const registered = await register(account, { email });
    expect(registered.response.status()).toBe(201);
    expect((await signIn(account, email, registered.password)).status()).toBeLessThan(400);
    const listed = async () => ((await (await account.get("/api/orders")).json()) as { items: { id: string }[] }).items.map((o) => o.id);
    expect(await listed()).not.toContain(row.id);
    const [confirm] = await e2eDb()`select text_body from emails where to_address = ${email} and subject like 'Confirm%'`;
    const verifyPath = /(\/verify-email\?token=[A-Za-z0-9_-]{43})/.exec(confirm!.text_body as string)![1]!;
    await guestPage.goto(verifyPath);
    await guestPage.getByRole("button", { name: "Confirm my e-mail address" }).click();
    await expect(guestPage.getByText("1 guest order is now in your account")).toBeVisible();
    await guestPage.screenshot({ path: `${shots}/verify-email-claimed.png`, fullPage: true });
    expect(await listed()).toContain(row.id);
    const [claimed] = await e2eDb()`select user_id from orders where id = ${row.id}`;
    expect(claimed!.user_id).toBe(((await registered.response.json()) as { id: string }).id);
    await operatorPage.goto(`/admin/orders/${row.id}`);
    await expect(operatorPage.getByTestId("guest-order")).toContainText("claimed by its account");
    await operator.close();
    await elsewhere.close();
    await context.close();
  });
});
