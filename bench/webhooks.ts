// Webhook throughput: N orders awaiting payment, N signed
// checkout.session.completed deliveries plus 30% redeliveries, at concurrency
// 8, 32 and 64, against the production server on the system PostgreSQL;
// against a no-op route (GET /api/health/live) on the same server in the same
// run. Then the database must show exactly N transitions.
import { runLoad, type LoadResult } from "./lib/load";
import { completedDelivery, ordersAwaitingPayment } from "./lib/orders";
import { startStack } from "./lib/stack";
import type { BenchModule, BenchRow } from "./lib/types";

const N = Number(process.env.BENCH_WEBHOOKS ?? 400);
const LEVELS = [8, 32, 64];

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const ms = (value: number) => Number(value.toFixed(1));

async function run(): Promise<BenchRow[]> {
  const stack = await startStack({ port: 3410 });
  const rows: BenchRow[] = [];
  try {
    const noop = () => fetch(`${stack.url}/api/health/live`);
    // Warm both routes (JIT, connection pools) before measuring.
    await runLoad(Array.from({ length: 200 }, () => noop), 8);
    for (const concurrency of LEVELS) {
      const orders = await ordersAwaitingPayment(N);
      const deliveries = orders.map(completedDelivery);
      const redeliveries = shuffled(deliveries, concurrency).slice(0, Math.round(N * 0.3));
      const requests = shuffled([...deliveries, ...redeliveries], concurrency * 7).map((d) => () =>
        fetch(`${stack.url}/api/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": d.signature }, body: d.body }),
      );
      // The no-op route before and after, averaged, so drift on a shared machine hits both sides.
      const before = await runLoad(Array.from({ length: requests.length }, () => noop), concurrency);
      const hooks: LoadResult = await runLoad(requests, concurrency);
      const after = await runLoad(Array.from({ length: requests.length }, () => noop), concurrency);
      const noopPerSecond = (before.perSecond + after.perSecond) / 2;

      const ids = `{${orders.map((o) => o.orderId).join(",")}}`;
      const [check] = await stack.sql<{ paid: number; transitions: number; dupes: number }[]>`
        select (select count(*)::int from orders where id = any(${ids}::uuid[]) and status = 'paid') as paid,
               (select count(*)::int from order_events where order_id = any(${ids}::uuid[]) and type = 'OrderPaid') as transitions,
               (select count(*)::int from ignored_events where order_id = any(${ids}::uuid[])) as dupes`;
      const ratio = hooks.perSecond / noopPerSecond;
      const exact = check!.paid === N && check!.transitions === N && (hooks.statuses[200] ?? 0) === requests.length;
      rows.push({
        bench: "webhooks",
        case: `concurrency ${concurrency}`,
        figures: {
          deliveries: requests.length,
          "events/s": Math.round(hooks.perSecond),
          p50ms: ms(hooks.p50Ms),
          p99ms: ms(hooks.p99Ms),
          "noop/s": Math.round(noopPerSecond),
          ratio: Number(ratio.toFixed(2)),
          transitions: check!.transitions,
          non200: requests.length - (hooks.statuses[200] ?? 0),
        },
        target: concurrency === 32 ? "ratio ≥ 0.5, p99 < 100 ms, exactly N transitions" : "ratio ≥ 0.5, exactly N transitions",
        met: exact && ratio >= 0.5 && (concurrency !== 32 || hooks.p99Ms < 100),
      });
    }
  } finally {
    await stack.stop();
  }
  return rows;
}

export const bench: BenchModule = { name: "webhooks", run };
