import { SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import { currentContext } from "./context";
import { redactError, safeErrorMessage } from "./redact-error";

// Spans through the OpenTelemetry API. Without a registered SDK (no
// OTEL_EXPORTER_OTLP_ENDPOINT) the API is a no-op: spans cost next to nothing.

const tracer = () => trace.getTracer("paperleaf");

/** Runs `fn` in a span named `name`, status ok or error (with the exception recorded). */
export async function traced<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const context = currentContext();
  const attrs: Attributes = { ...attributes };
  if (context.requestId) attrs["request.id"] = context.requestId;
  if (context.orderId && !attrs["order.id"]) attrs["order.id"] = context.orderId;
  return tracer().startActiveSpan(name, { attributes: attrs }, async (span) => {
    try {
      const result = await fn();
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (error) {
      span.recordException(error instanceof Error ? redactError(error) : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR, message: safeErrorMessage(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
