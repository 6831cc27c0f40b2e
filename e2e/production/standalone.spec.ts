import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "../support/test";
import postgres from "postgres";
import { startEmulator, type RunningEmulator } from "@/stripe-emulator/server";
import { fillShippingAddress } from "../support/browser";
import {
  emptyDatabase,
  productionEnv,
  productionPort,
  randomSecret,
  runNode,
  startNode,
  stderrLines,
  waitUntilServing,
  type Started,
} from "../support/production";

// The container image, without Docker: the standalone tree (`npm run build`,
// .next/standalone) started exactly as the Dockerfile and compose.yaml run it,
// `node scripts/db-migrate.mjs`, `node scripts/admin-create.mjs`,
// `node scripts/serve.mjs` and `node scripts/worker.mjs` in that directory,
// with settings from the environment only. Then a shopper buys a book through
// it, paying on the emulator's hosted page.

const tree = path.resolve(".next/standalone");
const port = productionPort(30);
const origin = `http://localhost:${port}`;
const operator = { email: "ops@books.example.com", password: "a long operator passphrase" };

let database: Awaited<ReturnType<typeof emptyDatabase>>;
let emulator: RunningEmulator;
let server: Started;
let worker: Started;
let settings: Record<string, string | undefined>;
let sql: postgres.Sql;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // The second half of `npm run build` (npm test builds with `next build` alone).
  execFileSync(process.execPath, ["--import", "tsx", "scripts/build-standalone.ts"], { stdio: "pipe" });
  database = await emptyDatabase("bookstore_standalone");
  sql = postgres(database.url, { max: 2, onnotice: () => {} });
  emulator = await startEmulator({
    port: productionPort(31),
    webhookUrl: `${origin}/api/webhooks/stripe`,
    publicUrl: `http://localhost:${productionPort(31)}`,
    secretKey: randomSecret("sk_test_"),
    webhookSecret: randomSecret("whsec_"),
  });
  settings = {
    ...productionEnv(port, database.url, { apiBase: emulator.url, secretKey: emulator.secretKey, webhookSecret: emulator.webhookSecret }),
    WORKER_ENABLED: "false",
  };

  const migrated = await runNode(["scripts/db-migrate.mjs"], { cwd: tree, env: settings });
  expect(migrated.code, migrated.stderr).toBe(0);
  const created = await runNode(["scripts/admin-create.mjs", "--email", operator.email, "--name", "Sam Operator"], {
    cwd: tree,
    env: { ...settings, ADMIN_PASSWORD: operator.password },
  });
  expect(created.code, created.stderr).toBe(0);

  server = startNode(["scripts/serve.mjs"], { cwd: tree, env: settings });
  worker = startNode(["scripts/worker.mjs"], { cwd: tree, env: settings });
  // Readiness: database, migrations (read from the tree) and the worker's heartbeat.
  await waitUntilServing(server, `${origin}/api/health`, 90_000);
});

test.afterAll(async () => {
  await worker?.stop();
  await server?.stop();
  await emulator?.stop();
  await sql?.end();
  await database?.drop();
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${origin}/signin`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

test("a purchase through the standalone server: sign in, cart, checkout, pay on the hosted page, paid", async ({ page }) => {
  const [book] = await sql<{ id: number }[]>`
    insert into books (title, author, genre, description, price_cents, currency, stock_available, stock_received)
    values ('The Standalone Book', 'E2E Author', 'Fiction', 'Sold by the container.', 2100, 'usd', 3, 3) returning id`;
  const shopper = { email: `standalone-${Date.now()}@example.com`, password: "correct horse battery" };
  const registered = await fetch(`${origin}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ ...shopper, name: "Robin Reader" }),
  });
  expect(registered.status).toBe(201);

  await signIn(page, shopper.email, shopper.password);
  await page.goto(`${origin}/books/${book!.id}`);
  await page.getByRole("button", { name: /add to cart/i }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await page.goto(`${origin}/cart`);
  await page
    .getByRole("link", { name: /check out/i })
    .first()
    .click();
  // One step: placing the order opens the payment page.
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
  const sessionId = page.url().split("/pay/")[1]!;
  await fillShippingAddress(page);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry (MM/YY)").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Robin Reader");
  await page.getByRole("button", { name: /^Pay \$/ }).click();
  await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible();

  const [payment] = await sql`select order_id from payments where gateway_session_id = ${sessionId}`;
  const orderId = payment!.order_id as string;
  const [order] = await sql`select status from orders where id = ${orderId}`;
  expect(order?.status).toBe("paid");
  // The emulator's webhook, signed with the configured secret, was accepted too.
  await expect
    .poll(
      async () =>
        (await sql`select outcome from webhook_events where order_id = ${orderId} and type = 'checkout.session.completed'`)[0]?.outcome,
      { timeout: 15_000 },
    )
    .toMatch(/handled|duplicate/);
  // The standalone worker sends the order's e-mails.
  await expect
    .poll(async () => (await sql`select count(*)::int as n from emails where order_id = ${orderId} and subject like '%is paid%'`)[0]?.n, {
      timeout: 20_000,
    })
    .toBe(1);
});

test("the first operator (npm run admin:create) runs the console; dev tools do not exist", async ({ page }) => {
  await signIn(page, operator.email, operator.password);
  const console_ = await page.goto(`${origin}/admin/orders`);
  expect(console_?.status()).toBe(200);
  expect((await page.goto(`${origin}/dev/mailbox`))?.status()).toBe(404);
  const [row] = await sql`select count(*)::int as n from users where email in ('admin@example.com', 'customer@example.com')`;
  expect(row?.n).toBe(0); // production never seeds the demo accounts
});

test("Brotli assets, public/ and the HTTP metrics of scripts/serve.mjs work in the tree", async ({ page }) => {
  const scripts: string[] = [];
  page.on("response", (response) => {
    if (response.url().includes("/_next/static/") && response.url().endsWith(".js")) scripts.push(response.url());
  });
  await page.goto(`${origin}/`);
  expect(scripts.length).toBeGreaterThan(0);
  const asset = await fetch(scripts[0]!, { headers: { "accept-encoding": "br" } });
  expect(asset.headers.get("content-encoding")).toBe("br");
  // public/ is copied into the tree (scripts/build-standalone.ts) and served as it is.
  const robots = await fetch(`${origin}/robots.txt`);
  expect(robots.status).toBe(200);
  expect(await robots.text()).toBe(readFileSync("public/robots.txt", "utf8"));
  const metrics = await fetch(`${origin}/api/metrics`, { headers: { authorization: `Bearer ${settings.METRICS_TOKEN}` } });
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toMatch(/bookstore_http_request_duration_seconds_count\{method="GET",route="\/",status="200"\} [1-9]/);
});

test("admin:create checks its input: bad e-mail, weak password, an existing account", async () => {
  const create = (args: string[], password: string) =>
    runNode(["scripts/admin-create.mjs", ...args], { cwd: tree, env: { ...settings, ADMIN_PASSWORD: password } });
  const badEmail = await create(["--email", "not-an-email"], operator.password);
  expect(badEmail.code).toBe(2);
  expect(stderrLines(badEmail)).toEqual(['admin:create: "not-an-email" is not a valid e-mail address']);
  const weak = await create(["--email", "second@books.example.com"], "short");
  expect(weak.code).toBe(2);
  expect(stderrLines(weak)).toEqual([
    expect.stringMatching(/^admin:create: the password must have at least 12 characters; nothing was changed$/),
  ]);
  const demo = await create(["--email", "third@books.example.com"], "admin-pass-1");
  expect(demo.code).toBe(2);
  const taken = await create(["--email", operator.email], "another long passphrase");
  expect(taken.code).toBe(1);
  expect(stderrLines(taken)).toEqual([`admin:create: An account with the e-mail ${operator.email} already exists; nothing was changed`]);
  const [row] = await sql`select count(*)::int as n from users where email like '%@books.example.com'`;
  expect(row?.n).toBe(1);
});
