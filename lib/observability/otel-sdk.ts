import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { env } from "@/lib/env";
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { logger } from "./log";
import { RedactingExporter } from "./redact-spans";

/**
 * Registers the OpenTelemetry SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set:
 * spans go over OTLP/HTTP in batches. Unset, nothing is registered and the
 * API's spans are no-ops. Called by instrumentation.ts and the standalone worker.
 */
export function startTracing(): boolean {
  const endpoint = env().OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return false;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": env().OTEL_SERVICE_NAME }),
    // Query values never leave the process: a reset or guest link's token is in one (lib/observability/redact-spans.ts).
    spanProcessors: [
      new BatchSpanProcessor(new RedactingExporter(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` }))),
    ],
  });
  provider.register();
  onShutdown(shutdownOrder.pool, () => provider.shutdown());
  logger().info({ endpoint }, "tracing to OTLP");
  return true;
}
