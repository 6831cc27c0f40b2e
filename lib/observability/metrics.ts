import client, { Counter, Gauge, Histogram, Registry } from "prom-client";

// Prometheus metrics of this process, served by GET /api/metrics (and by the
// standalone worker on METRICS_PORT). One registry per process, on
// globalThis so scripts/serve.mjs (HTTP latency) and the app's bundles share it.

type Metrics = {
  registry: Registry;
  transitions: Counter<"event" | "outcome">;
  webhooks: Counter<"outcome">;
  jobRuns: Counter<"task" | "outcome">;
  gatewayCalls: Histogram<"operation" | "outcome">;
  operations: Histogram<"kind" | "outcome">;
  timeToPaid: Histogram;
  timeToFulfilled: Histogram;
  ordersPaused: Counter<"task">;
  gatewayCircuit: Gauge;
};

const holder = globalThis as typeof globalThis & { __bookstoreRegistry?: Registry; __bookstoreMetrics?: Metrics };

function create(): Metrics {
  const registry = (holder.__bookstoreRegistry ??= new Registry());
  client.collectDefaultMetrics({ register: registry, prefix: "bookstore_process_" });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const lifetimes = [10, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 86_400, 3 * 86_400];
  return {
    registry,
    transitions: new Counter({
      name: "bookstore_order_transitions_total",
      help: "Order machine events by outcome (accepted, duplicate, ignored)",
      labelNames: ["event", "outcome"],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: "bookstore_webhook_events_total",
      help: "Gateway webhook deliveries by outcome (handled, duplicate, ignored, rejected, failed…)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "bookstore_job_runs_total",
      help: "Job attempts run by this process, by task and outcome",
      labelNames: ["task", "outcome"],
      registers: [registry],
    }),
    gatewayCalls: new Histogram({
      name: "bookstore_gateway_call_duration_seconds",
      help: "Payment gateway calls (with retries), by operation and outcome",
      labelNames: ["operation", "outcome"],
      buckets: seconds,
      registers: [registry],
    }),
    operations: new Histogram({
      name: "bookstore_operation_duration_seconds",
      help: "Traced operations (user_login, order_creation, payment_processing, order_fulfillment, data_lookup)",
      labelNames: ["kind", "outcome"],
      buckets: seconds,
      registers: [registry],
    }),
    timeToPaid: new Histogram({
      name: "bookstore_order_time_to_paid_seconds",
      help: "From order created to paid",
      buckets: lifetimes,
      registers: [registry],
    }),
    timeToFulfilled: new Histogram({
      name: "bookstore_order_time_to_fulfilled_seconds",
      help: "From order created to fulfilled",
      buckets: lifetimes,
      registers: [registry],
    }),
    ordersPaused: new Counter({
      name: "bookstore_orders_paused_total",
      help: "Orders flagged for an operator after a job failed its last attempt, or paused after repeated job failures",
      labelNames: ["task"],
      registers: [registry],
    }),
    gatewayCircuit: new Gauge({
      name: "bookstore_gateway_circuit_state",
      help: "Payment gateway circuit breaker: 0 closed, 1 half-open, 2 open",
      registers: [registry],
    }),
  };
}

export function metrics(): Metrics {
  holder.__bookstoreMetrics ??= create();
  return holder.__bookstoreMetrics;
}

/** Adds gauges whose values are read at scrape time (database counts, breaker state); called once by the metrics route. */
export function registerCollector(
  name: string,
  help: string,
  labelNames: string[],
  collect: (gauge: Gauge<string>) => Promise<void> | void,
): void {
  const { registry } = metrics();
  if (registry.getSingleMetric(name)) return;
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      await collect(this);
    },
  });
}
