import { expect, test } from "../support/test";
import { client, signedInShopper } from "../support/api";
import { adminContext } from "../support/browser";

// Finding 3 of issue 14: /dev/mailbox listed every customer's e-mails to anyone.
// Dev tools exist in demo mode only (production refuses DEV_TOOLS) and answer
// operators only (role read from the database), 404 to everybody else.

test.describe("developer pages", () => {
  test("the mailbox does not exist for visitors or shoppers", async () => {
    const anonymous = await client();
    expect((await anonymous.get("/dev/mailbox")).status()).toBe(404);
    const shopper = await signedInShopper();
    const list = await shopper.api.get("/dev/mailbox");
    expect(list.status()).toBe(404);
    expect(await list.text()).not.toContain(shopper.email);
    expect((await shopper.api.get("/dev/mailbox/00000000-0000-4000-8000-000000000000")).status()).toBe(404);
  });

  test("an operator reads it", async ({ browser }) => {
    const context = await adminContext(browser);
    const page = await context.newPage();
    const response = await page.goto("/dev/mailbox");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Development mailbox" })).toBeVisible();
    await context.close();
  });
});
