import { expect, test } from "../support/test";
import { client, register, signIn, signedInShopper } from "../support/api";
import { e2eDb } from "../support/db";

// Finding 8 of issue 14: role and identity were fixed in the JWT for 30 days.
// Now every request re-reads the role and the session version from the database.

async function setRole(email: string, role: "admin" | "customer") {
  await e2eDb()`update users set role = ${role} where email = ${email}`;
}

test.describe("sessions follow the account, not the token", () => {
  test("an operator demoted while signed in loses the admin API and console at once", async () => {
    const operator = await signedInShopper();
    // Promoted after signing in: the token still says "customer", the database decides.
    await setRole(operator.email, "admin");
    expect((await operator.api.get("/api/admin/orders")).status()).toBe(200);
    expect((await operator.api.get("/admin/orders")).status()).toBe(200);
    await setRole(operator.email, "customer");
    // Same cookie, token still saying whatever it said: 404, like for any customer.
    expect((await operator.api.get("/api/admin/orders")).status()).toBe(404);
    expect((await operator.api.post("/api/admin/books/1/stock", { data: { action: "receive", copies: 1 } })).status()).toBe(404);
    expect((await operator.api.get("/admin/orders")).status()).toBe(404);
  });

  test("an operator who signed in as admin and is then demoted: 404 everywhere in the console", async () => {
    const api = await client();
    const account = await register(api);
    await setRole(account.email, "admin");
    expect((await signIn(api, account.email, account.password)).status()).toBeLessThan(400);
    expect((await api.get("/api/admin/orders")).status()).toBe(200);
    await setRole(account.email, "customer");
    expect((await api.get("/api/admin/orders")).status()).toBe(404);
    expect((await api.get("/admin")).status()).toBe(404);
    // The shopper's own pages still work: only the role changed.
    expect((await api.get("/api/orders")).status()).toBe(200);
  });

  test("sign out everywhere (on /account) ends the session of another browser, and this one", async ({ browser }) => {
    const phone = await signedInShopper();
    // A second "browser", signed in to the same account.
    const laptop = await client();
    expect((await signIn(laptop, phone.email, phone.password)).status()).toBeLessThan(400);
    expect((await laptop.get("/api/orders")).status()).toBe(200);

    const context = await browser.newContext({ storageState: await phone.api.storageState() });
    const page = await context.newPage();
    await page.goto("/account");
    await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
    await page.screenshot({ path: "docs/screenshots/account-sessions.png", fullPage: true });
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/signin/);

    // The other browser's cookie is refused from its next request on.
    expect((await laptop.get("/api/orders")).status()).toBe(401);
    const account = await laptop.get("/account", { maxRedirects: 0 });
    expect([303, 307]).toContain(account.status());
    expect(account.headers().location).toMatch(/\/signin/);
    // And the cookie the first browser had before clicking is dead too.
    expect((await phone.api.get("/api/orders")).status()).toBe(401);
    // Signing in again works, with a new session.
    expect((await signIn(laptop, phone.email, phone.password)).status()).toBeLessThan(400);
    expect((await laptop.get("/api/orders")).status()).toBe(200);
    await context.close();
  });

  test("DELETE /api/account/sessions: signed-in only (401), from the store's own pages only (403)", async () => {
    const anonymous = await client();
    expect((await anonymous.delete("/api/account/sessions")).status()).toBe(401);
    const shopper = await signedInShopper();
    expect((await shopper.api.delete("/api/account/sessions", { headers: { Origin: "https://evil.example" } })).status()).toBe(403);
    expect((await shopper.api.get("/api/orders")).status()).toBe(200);
    expect((await shopper.api.delete("/api/account/sessions")).status()).toBe(200);
    expect((await shopper.api.get("/api/orders")).status()).toBe(401);
    // Once done it cannot be repeated with the old cookie.
    expect((await shopper.api.delete("/api/account/sessions")).status()).toBe(401);
  });
});
