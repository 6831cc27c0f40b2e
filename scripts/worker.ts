// npm run worker – a standalone job runner; run as many as you like.
import { createServer } from "node:http";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { startTracing } from "@/lib/observability/otel-sdk";
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { checkStartupConfiguration } from "@/lib/startup-check";
import { startWorker } from "@/lib/worker/runner";

// The same refusals as the app's: a worker pays, refunds and e-mails with these settings.
await checkStartupConfiguration();
startTracing();
const handle = await startWorker();
onShutdown(shutdownOrder.worker, () => handle.stop());
// This process's own counters (job runs, transitions, gateway calls) for Prometheus.
const metricsPort = env().METRICS_PORT;
if (metricsPort) {
  const server = createServer(async (req, res) => {
    if (req.url !== "/metrics") return void res.writeHead(404).end();
    const { registry } = metrics();
    res.writeHead(200, { "Content-Type": registry.contentType }).end(await registry.metrics());
  }).listen(metricsPort, "127.0.0.1");
  onShutdown(shutdownOrder.server, () => new Promise<void>((resolve) => server.close(() => resolve())));
}
logger().info({ workerId: handle.workerId, metricsPort }, "worker running (Ctrl-C to stop)");
await handle.runner.promise;
