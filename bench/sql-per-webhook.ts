// Statements (each a round trip) for one completed payment: the webhook's
// work in handleWebhook, counted at the postgres.js client (db/index.ts
// countQueries). pg_stat_statements would need a server restart with
// shared_preload_libraries, which the shared CI server does not have.
import { countQueries } from "@/db";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { completedDelivery, ordersAwaitingPayment } from "./lib/orders";
import { startStack } from "./lib/stack";
import type { BenchModule, BenchRow } from "./lib/types";

const TARGET = 8;

async function run(): Promise<BenchRow[]> {
  const stack = await startStack({ server: false });
  try {
    const [warm, order] = await ordersAwaitingPayment(2);
    await handleWebhook(completedDelivery(warm!).event); // prepared statements, pools
    const delivery = completedDelivery(order!);
    const counter = countQueries();
    const outcome = await handleWebhook(delivery.event);
    const queries = counter.stop();
    const again = countQueries();
    await handleWebhook(delivery.event);
    const redelivery = again.stop();
    const kinds = queries.map((q) => q.trim().split(/\s+/)[0]!.toLowerCase());
    const summary = Object.entries(kinds.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {}))
      .map(([k, n]) => `${k}:${n}`)
      .join(",");
    console.log(queries.map((q, i) => `    ${String(i + 1).padStart(2)} ${q.replace(/\s+/g, " ").slice(0, 110)}`).join("\n"));
    return [
      {
        bench: "sql-per-webhook",
        case: `completed payment (${outcome})`,
        figures: { statements: queries.length, kinds: summary, redelivery: redelivery.length },
        target: `≤ ${TARGET} round trips`,
        met: queries.length <= TARGET,
      },
    ];
  } finally {
    await stack.stop();
  }
}

export const bench: BenchModule = { name: "sql-per-webhook", run };
