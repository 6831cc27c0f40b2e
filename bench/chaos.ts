// Crash the app with kill -9 at named fault points, many times in one
// randomized run, while shoppers pay, time out and ask for refunds; the
// emulator redelivers webhooks and the app's own worker and reconciler pick
// up after every restart. At the end nothing may be lost or doubled: stock
// conserved, one paid payment per paid order, every captured payment on a
// paid order or refunded (once), one OrderPaid per order, one refund per refund.
// "chaos-two-instances" runs two app servers (each with its worker) on the
// one database, webhooks spread over both by a round-robin proxy.
// The CI smoke run is one round per fault point, each fault armed in turn and
// each round's orders taking every path (pay, refund, time out), and it waits
// for the armed fault to kill the instance: every fault point must fire.
import type { ChildProcess } from "node:child_process";
import { createServer, request as forward, type Server } from "node:http";
import { sql as raw } from "drizzle-orm";
import { getDb } from "@/db";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { resetEnvCache } from "@/lib/env";
import { checkoutCart } from "@/lib/orders/checkout-cart";
import { requestRefund } from "@/lib/orders/user-actions";
import { startPayment } from "@/lib/payments/start-payment";
import { serverBin, startProcess, stopProcess, waitForHttp } from "@/scripts/lib/processes";
import { startEmulator } from "@/stripe-emulator/server";
import { createBook, createUser } from "@/test/fixtures";
import { seededRandom } from "@/test/random";
import { addJob } from "@/lib/worker/jobs";
import { benchPort } from "./lib/ports";
import { BENCH_GATEWAY, stagingEnv, startStack } from "./lib/stack";
import type { BenchModule, BenchRow, BenchSize } from "./lib/types";

const ORDERS_PER_ROUND = 5;
const FAULTS = ["webhook:after_insert", "webhook:after_commit", "refund_payment:after_gateway", "payment_timeout:after_expire"];
const SETTLE_TIMEOUT_MS = 240_000;
/** Smoke: how long a round waits for its armed fault to kill an instance. */
const FIRE_TIMEOUT_MS = 45_000;
/** Smoke: each round's orders, by path (see `path` below): paid, refunded, timed out, refunded, timed out. */
const SMOKE_PATHS = [0.8, 0.4, 0.1, 0.4, 0.1];

type App = { process: ChildProcess; killed: Promise<boolean>; fault?: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spreads requests over the instances that answer, in turn (a load balancer for the webhooks). */
function roundRobin(ports: number[], listenPort: number): Server {
  let next = 0;
  return createServer((req, res) => {
    const port = ports[next++ % ports.length]!;
    const upstream = forward({ host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end(); // the gateway retries later, maybe on the other instance
    });
    req.pipe(upstream);
  }).listen(listenPort, "127.0.0.1");
}

export async function runChaos(instances: number, size: BenchSize): Promise<BenchRow[]> {
  const smoke = size === "smoke";
  const ROUNDS = smoke ? FAULTS.length : Number(process.env.CHAOS_ROUNDS ?? 12);
  const random = seededRandom(Number(process.env.CHAOS_SEED ?? 9090) + instances);
  const stack = await startStack({ server: false });
  // One instance listens on +50; two on +56 and +57 behind the proxy on +55, so both benches can run at once (bench/run.ts).
  const ports = Array.from({ length: instances }, (_, i) => benchPort(instances === 1 ? 50 : 56 + i));
  const proxyPort = benchPort(55);
  const proxy = instances > 1 ? roundRobin(ports, proxyPort) : undefined;
  const webhookPort = proxy ? proxyPort : ports[0]!;
  const emulator = await startEmulator({
    port: 0,
    webhookUrl: `http://localhost:${webhookPort}/api/webhooks/stripe`,
    retryBaseMs: 250,
    maxAttempts: 9,
    asyncDelayMs: 500,
    ...BENCH_GATEWAY,
  });
  process.env.STRIPE_API_BASE = emulator.url;
  resetEnvCache();
  const apps = new Map<number, App>();
  let kills = 0;
  const armed: Record<string, number> = {};
  /** Kills by fault point: an instance armed with it that died by SIGKILL. */
  const fired: Record<string, number> = {};
  const checkoutFailures: string[] = [];

  async function startApp(port: number, fault?: string): Promise<App> {
    const child = startProcess("node", [serverBin, "-p", String(port)], {
      DATABASE_URL: stack.databaseUrl,
      STRIPE_API_BASE: emulator.url,
      ...stagingEnv(port),
      WORKER_ENABLED: "true",
      LOG_LEVEL: "error",
      FAULT_POINTS: fault ? `${fault}:kill` : "",
    });
    const killed = new Promise<boolean>((resolve) => child.once("exit", (_code, signal) => resolve(signal === "SIGKILL")));
    await waitForHttp(`http://localhost:${port}/api/health/live`, 120_000, (r) => r.ok);
    return { process: child, killed, fault };
  }

  const isUp = (app: App | undefined) => !!app && app.process.exitCode === null && app.process.signalCode === null;

  /** Stops an instance if it still runs (a clean stop), or counts its kill if a fault point took it down. */
  async function retire(port: number): Promise<void> {
    const app = apps.get(port);
    if (!app) return;
    if (isUp(app)) await stopProcess(app.process, 2000);
    else if (await app.killed) {
      kills++;
      if (app.fault) fired[app.fault] = (fired[app.fault] ?? 0) + 1;
    }
    apps.delete(port);
  }

  /** A fresh instance on `port` armed with `fault` (or none). */
  async function restart(port: number, fault?: string): Promise<void> {
    await retire(port);
    if (fault) armed[fault] = (armed[fault] ?? 0) + 1;
    apps.set(port, await startApp(port, fault));
  }
  const randomFault = () => FAULTS[Math.floor(random() * FAULTS.length)]!;

  try {
    const books = await Promise.all([createBook(40, 1200), createBook(30, 1900), createBook(20, 2500)]);
    const received = new Map([
      [books[0]!, 40],
      [books[1]!, 30],
      [books[2]!, 20],
    ]);
    const orders: string[] = [];
    const { db } = await getDb();
    for (let round = 0; round < ROUNDS; round++) {
      const roundFault = smoke ? FAULTS[round]! : undefined;
      for (const port of ports) await restart(port, roundFault ?? randomFault());
      for (let n = 0; n < ORDERS_PER_ROUND; n++) {
        const userId = await createUser();
        const cart = await createCart(userId);
        await addCartItem(cart, books[Math.floor(random() * books.length)]!, 1);
        // The checkout runs in this process, on the database no fault touches: it has no reason to fail.
        const placed = await checkoutCart({ userId }).catch((error: unknown) => {
          checkoutFailures.push(error instanceof Error ? error.message : String(error));
          return undefined;
        });
        if (!placed) continue;
        const orderId = placed.order.id;
        orders.push(orderId);
        const { checkoutUrl } = await payLikeAShopper(userId, orderId);
        const sessionId = checkoutUrl.split("/pay/")[1]!;
        const path = smoke ? SMOKE_PATHS[n % SMOKE_PATHS.length]! : random();
        if (path < 0.25) {
          // Never paid: the deadline is moved into the past; the app's timeout job runs now.
          await db.execute(
            raw`update orders set machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', '0'::jsonb) where id = ${orderId}`,
          );
          await db.execute(raw`update graphile_worker._private_jobs set run_at = now() where key = ${`payment-timeout:${orderId}`}`);
          continue;
        }
        await fetch(`${emulator.url}/_emulator/sessions/${sessionId}/pay`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ card: "4242424242424242" }),
        });
        if (path < 0.6) {
          // A refund request once the webhook has made it paid (if the app is up to take it).
          for (let i = 0; i < 20; i++) {
            const [row] = await db.execute<{ status: string }>(raw`select status from orders where id = ${orderId}`);
            if (row?.status === "paid") {
              await requestRefund({ userId, orderId }).catch(() => undefined);
              break;
            }
            await sleep(250);
          }
        }
      }
      if (smoke) {
        // The round's orders took the armed fault's path: wait until it has killed an instance.
        const deadline = Date.now() + FIRE_TIMEOUT_MS;
        while (ports.every((port) => isUp(apps.get(port))) && Date.now() < deadline) await sleep(200);
      } else {
        await sleep(1500);
      }
      // Down mid-round: back up with another fault armed, so redeliveries meet a crash too.
      for (const port of ports) if (!isUp(apps.get(port))) await restart(port, randomFault());
      await sleep(1000);
    }

    // No more faults: let the app, its worker, its reconciler and the emulator's redeliveries finish.
    for (const port of ports) await restart(port);
    const ids = `{${orders.join(",")}}`;
    const started = Date.now();
    let open = -1;
    while (Date.now() - started < SETTLE_TIMEOUT_MS) {
      // Locks held by killed workers are released by the reconciler after their heartbeat is stale; hurry that along.
      const live = `{${[...apps.values()].map((a) => a.process.pid ?? 0).join(",")}}`;
      await db.execute(raw`update worker_heartbeats set last_seen_at = now() - interval '10 minutes' where pid <> all(${live}::int[])`);
      // Smoke: a reconciler cycle now rather than at the next minute (the crontab's job, queued sooner).
      if (smoke) await addJob(db, "reconcile_orders", {}, { jobKey: "reconcile_orders" });
      const [row] = await db.execute<{ n: number }>(raw`
        select count(*)::int as n from orders o where o.id = any(${ids}::uuid[])
          and (o.status in ('created', 'refund_pending')
               or exists (select 1 from refunds r where r.order_id = o.id and r.status = 'pending'))`);
      open = row!.n;
      if (open === 0) break;
      await sleep(2000);
    }
    const settledSeconds = Math.round((Date.now() - started) / 1000);
    const checks = await checkInvariants(ids, received, emulator.state);
    if (checkoutFailures.length)
      checks.figures.problems = `${checkoutFailures.length} checkouts failed (first: ${checkoutFailures[0]}); ${checks.figures.problems}`;
    return [
      {
        bench: instances === 1 ? "chaos" : "chaos-two-instances",
        case: `${ROUNDS} rounds, ${instances === 1 ? "one instance" : `${instances} instances behind a round-robin proxy`}, kill -9 at fault points`,
        figures: {
          orders: orders.length,
          kills,
          armed: Object.entries(armed)
            .map(([k, v]) => `${k}×${v}`)
            .join(","),
          fired:
            Object.entries(fired)
              .map(([k, v]) => `${k}×${v}`)
              .join(",") || "none",
          unsettled: open,
          settledSeconds,
          ...checks.figures,
        },
        target: smoke
          ? "every fault point killed an instance; nothing lost or doubled after every crash"
          : "nothing lost or doubled after every crash",
        met: kills > 0 && open === 0 && checks.ok && checkoutFailures.length === 0 && (!smoke || FAULTS.every((f) => (fired[f] ?? 0) > 0)),
      },
    ];
  } finally {
    for (const app of apps.values()) if (isUp(app)) await stopProcess(app.process, 5000);
    proxy?.close();
    await emulator.stop();
    await stack.stop();
  }
}

type EmulatorView = Awaited<ReturnType<typeof startEmulator>>["state"];

/**
 * Starts a payment as a shopper would: on "the payment service is not
 * answering" (the emulator slow on a saturated machine), wait and try again,
 * up to 5 times. The same order is retried, so nothing is charged twice.
 */
async function payLikeAShopper(userId: string, orderId: string): Promise<{ checkoutUrl: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPayment({ userId, email: "chaos@example.com", orderId });
    } catch (error) {
      if (attempt >= 5 || (error as { code?: string }).code !== "gateway_unavailable") throw error;
      await sleep(1_000 * attempt);
    }
  }
}

async function checkInvariants(ids: string, received: Map<number, number>, gateway: EmulatorView) {
  const { db } = await getDb();
  const problems: string[] = [];
  for (const [bookId, stock] of received) {
    const [row] = await db.execute<{ a: number; r: number; s: number; rec: number; open: number; kept: number }>(raw`
      select b.stock_available as a, b.stock_reserved as r, b.stock_sold as s, b.stock_received as rec,
        coalesce((select sum(oi.quantity) from order_items oi join orders o on o.id = oi.order_id where oi.book_id = b.id and o.status = 'created'), 0)::int as open,
        coalesce((select sum(oi.quantity) from order_items oi join orders o on o.id = oi.order_id where oi.book_id = b.id and o.status in ('paid', 'fulfilled')), 0)::int as kept
      from books b where b.id = ${bookId}`);
    if (row!.rec !== stock || row!.a + row!.r + row!.s !== stock) problems.push(`book ${bookId}: stock not conserved`);
    if (row!.r !== row!.open || row!.s !== row!.kept) problems.push(`book ${bookId}: reserved/sold do not match the orders`);
  }
  const doubled = await db.execute<{ id: string }>(raw`
    select o.id from orders o where o.id = any(${ids}::uuid[]) and (
      (select count(*) from order_events e where e.order_id = o.id and e.type = 'OrderPaid') > 1
      or (select count(*) from payments p where p.order_id = o.id and p.status = 'paid') > 1
      or (o.status in ('paid', 'fulfilled') and (select count(*) from payments p where p.order_id = o.id and p.status = 'paid') <> 1))`);
  if (doubled.length) problems.push(`${doubled.length} orders paid twice or without their payment`);
  const twiceRefunded = await db.execute<{ id: string }>(raw`
    select r.id from refunds r where r.order_id = any(${ids}::uuid[]) and (select count(*) from order_events e where e.order_id = r.order_id and e.type = 'PaymentRefunded' and e.payload->>'refundId' = r.id::text) > 1`);
  if (twiceRefunded.length) problems.push(`${twiceRefunded.length} refunds completed twice`);
  // The gateway's side: every captured payment is on a paid order or refunded, and never refunded beyond its amount.
  const paidOrders = new Set(
    (await db.execute<{ id: string }>(raw`select id from orders where id = any(${ids}::uuid[]) and status in ('paid', 'fulfilled')`)).map(
      (r) => r.id,
    ),
  );
  let captured = 0;
  let refundedAtGateway = 0;
  for (const intent of gateway.paymentIntents.values()) {
    if (intent.status !== "succeeded") continue;
    captured++;
    const orderId = intent.metadata?.order_id;
    const refunded = [...gateway.refunds.values()]
      .filter((r) => r.payment_intent === intent.id && r.status === "succeeded")
      .reduce((sum, r) => sum + r.amount, 0);
    if (refunded > 0) refundedAtGateway++;
    if (refunded > intent.amount) problems.push(`payment ${intent.id} refunded beyond its amount`);
    if (refunded === 0 && !(orderId && paidOrders.has(orderId)))
      problems.push(`payment ${intent.id} captured for an order that is not paid, and not refunded`);
    if (refunded > 0 && orderId && paidOrders.has(orderId)) problems.push(`payment ${intent.id} refunded while its order counts as paid`);
  }
  return {
    ok: problems.length === 0,
    figures: {
      captured,
      refundedAtGateway,
      paidOrders: paidOrders.size,
      problems: problems.length ? problems.slice(0, 3).join("; ") : "none",
    },
  };
}

export const bench: BenchModule = { name: "chaos", run: (size) => runChaos(1, size) };
