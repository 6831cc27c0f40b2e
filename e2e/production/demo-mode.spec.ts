import { networkInterfaces } from "node:os";
import { request } from "@playwright/test";
import { expect, test } from "../support/test";
import postgres from "postgres";
import { buildIsStale } from "@/scripts/lib/processes";
import {
  emptyDatabase,
  productionPort,
  randomSecret,
  runNode,
  startNode,
  stderrLines,
  waitUntilServing,
  type Started,
} from "../support/production";

// `npm start` (scripts/start.ts) is demo mode: it says so on its first line,
// listens on 127.0.0.1 only, and hands the Stripe emulator the webhook secret
// the app checks (issue 16: a STRIPE_WEBHOOK_SECRET left in the environment
// made the app reject every webhook of its own emulator). Where the two cannot
// agree it stops at once, with one line saying why.

const port = productionPort(10);
const emulatorPort = productionPort(11);
const carrierPort = productionPort(12);
const npmStart = ["--import", "tsx", "scripts/start.ts"];

test.describe("npm start (demo mode)", () => {
  test("refuses to start when STRIPE_WEBHOOK_SECRET and EMULATOR_WEBHOOK_SECRET differ", async () => {
    const output = await runNode(npmStart, {
      env: {
        PORT: String(port),
        STRIPE_API_BASE: `http://127.0.0.1:${emulatorPort}`,
        STRIPE_WEBHOOK_SECRET: randomSecret("whsec_"),
        EMULATOR_WEBHOOK_SECRET: randomSecret("whsec_"),
        NODE_ENV: "development",
      },
      timeoutMs: 30_000,
    });
    expect(output.code).toBe(1);
    expect(output.stdout.split("\n")[0]).toMatch(/^Paperleaf Books in DEMO MODE \(npm start\)/);
    expect(stderrLines(output)).toEqual([
      expect.stringMatching(/^npm start: refusing to start: STRIPE_WEBHOOK_SECRET and EMULATOR_WEBHOOK_SECRET differ/),
    ]);
  });

  test("refuses STRIPE_SECRET_KEY without STRIPE_WEBHOOK_SECRET before touching the database", async () => {
    const output = await runNode(npmStart, {
      env: {
        PORT: String(port),
        STRIPE_SECRET_KEY: "sk_test_x",
        DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
        NODE_ENV: "development",
      },
      timeoutMs: 30_000,
    });
    expect(output.code).toBe(1);
    expect(stderrLines(output)).toEqual([expect.stringMatching(/^npm start: refusing to start: STRIPE_WEBHOOK_SECRET is not set/)]);
  });

  test.describe("with a STRIPE_WEBHOOK_SECRET left in the environment", () => {
    let store: Started;
    let database: Awaited<ReturnType<typeof emptyDatabase>>;
    const leftover = randomSecret("whsec_");

    test.beforeAll(async () => {
      test.setTimeout(180_000);
      // npm start would rebuild a stale build under the suite's running server; npm test builds first.
      if (buildIsStale()) throw new Error("the production build is older than the sources: run `npm run build` first");
      database = await emptyDatabase("bookstore_demo");
      store = startNode(npmStart, {
        env: {
          PORT: String(port),
          DATABASE_URL: database.url,
          STRIPE_API_BASE: `http://127.0.0.1:${emulatorPort}`,
          CARRIER_API_BASE: `http://127.0.0.1:${carrierPort}`,
          STRIPE_WEBHOOK_SECRET: leftover,
          LOG_FORMAT: "json",
          LOG_LEVEL: "warn",
          NODE_ENV: "development",
        },
      });
      await waitUntilServing(store, `http://localhost:${port}/api/books?pageSize=1`, 150_000);
    });
    test.afterAll(async () => {
      await store?.stop();
      await database?.drop();
    });

    test("says demo mode first and listens on loopback only", async () => {
      expect(store.output().stdout.split("\n")[0]).toMatch(
        /^Paperleaf Books in DEMO MODE \(npm start\): demo accounts .* on 127\.0\.0\.1:\d+\. Not for production/,
      );
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === "IPv4" && !i.internal);
      test.skip(!external, "no non-loopback interface on this machine");
      const refused = await fetch(`http://${external!.address}:${port}/api/health/live`, { signal: AbortSignal.timeout(3000) }).then(
        () => "answered",
        () => "refused",
      );
      expect(refused).toBe("refused");
    });

    test("the emulator's webhooks are accepted: an order paid at the gateway is paid by its webhook", async () => {
      const api = await request.newContext({
        baseURL: `http://localhost:${port}`,
        extraHTTPHeaders: { Origin: `http://localhost:${port}` },
      });
      const { csrfToken } = await (await api.get("/api/auth/csrf")).json();
      const signIn = await api.post("/api/auth/callback/credentials", {
        form: { email: "customer@example.com", password: "customer-pass-1", csrfToken, json: "true" },
        maxRedirects: 0,
      });
      expect(signIn.status()).toBeLessThan(400);
      const books = await (await api.get("/api/books?pageSize=1")).json();
      expect((await api.post("/api/cart/items", { data: { bookId: books.items[0].id, quantity: 1 } })).status()).toBeLessThan(300);
      const order = await (await api.post("/api/checkout")).json();
      const { checkoutUrl } = await (await api.post(`/api/orders/${order.id}/payments`)).json();
      const sessionId = String(checkoutUrl).split("/pay/")[1]!;
      const paid = await fetch(`http://127.0.0.1:${emulatorPort}/_emulator/sessions/${sessionId}/pay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ card: "4242424242424242" }),
      });
      expect(paid.status).toBe(200);
      // Nobody visits the return page and the reconciler runs once a minute: only the webhook can pay it now.
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        await expect
          .poll(async () => (await sql`select status from orders where id = ${order.id}`)[0]?.status, { timeout: 15_000 })
          .toBe("paid");
        const [delivery] = await sql`select type from webhook_events where type = 'checkout.session.completed'`;
        expect(delivery).toBeDefined();
      } finally {
        await sql.end();
      }
      expect(store.output().stdout + store.output().stderr).not.toMatch(/webhook rejected/);
      await api.dispose();
    });
  });
});
