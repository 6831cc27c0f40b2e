import { expect, test } from "../support/test";
import { client } from "../support/api";
import { adminContext } from "../support/browser";
import { e2eDb } from "../support/db";

// A wrong STRIPE_WEBHOOK_SECRET does not stay silent: webhooks refused for
// their signature show in /api/metrics and, past the threshold (5 in 15
// minutes by default), as a banner across the operator console.

const METRICS_TOKEN = "e2e-metrics-token-0123456789";

async function recentFailures(): Promise<number> {
  const api = await client();
  const text = await (await api.get("/api/metrics", { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const match = /^bookstore_webhook_signature_failures_recent (\d+)$/m.exec(text);
  if (!match) throw new Error("bookstore_webhook_signature_failures_recent is missing");
  return Number(match[1]);
}

test("webhooks signed with another secret: counted in the metrics, then the console's banner says what to check", async ({ browser }) => {
  const before = await recentFailures();
  const context = await adminContext(browser);
  const page = await context.newPage();
  const banner = page.getByRole("alert").filter({ hasText: "Webhooks are failing signature checks: check STRIPE_WEBHOOK_SECRET" });
  await page.goto("/admin/orders");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(banner).toHaveCount(0);

  const sender = await client({ origin: null });
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    for (let n = 0; n < 6; n++) {
      const response = await sender.post("/api/webhooks/stripe", {
        data: JSON.stringify({ id: `evt_e2e_bad_${n}`, object: "event", type: "checkout.session.completed", data: { object: {} } }),
        headers: { "content-type": "application/json", "stripe-signature": `t=${timestamp},v1=${"0".repeat(64)}` },
      });
      expect(response.status()).toBe(400);
    }
    // Counted in memory and written by a timer: a read can land before the write commits.
    await expect.poll(recentFailures, { timeout: 10_000 }).toBe(before + 6);
    await page.goto("/admin/orders");
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(`${before + 6} refused in the last 15 minutes`);
    await page.screenshot({ path: "test-results/admin-webhook-signature-banner.png" });
  } finally {
    await e2eDb()`delete from webhook_signature_failures`;
  }
  await page.goto("/admin/orders");
  await expect(banner).toHaveCount(0);
  await context.close();
});
