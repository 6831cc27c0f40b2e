import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

// Spans carry the request's URL (Next's own server span sets `http.target` to
// req.url, query string included), and three links carry a secret in their
// query: a password reset, an e-mail confirmation, a guest order's access
// link (`?token=…`). A trace backend is read by more people, and kept longer,
// than the database that stores only those tokens' hashes: every query value
// leaves the process as "(redacted)", the names kept.

const URL_ATTRIBUTES = ["http.target", "http.url", "url.full", "url.query"];

/** A URL, path or query string with every query value replaced (the names kept). */
export function redactQuery(value: string): string {
  const at = value.indexOf("?");
  const query = at === -1 ? (value.includes("=") && !value.includes("/") ? value : null) : value.slice(at + 1);
  if (query === null) return value;
  const redacted = query
    .split("&")
    .map((pair) => (pair.includes("=") ? `${pair.slice(0, pair.indexOf("="))}=(redacted)` : pair))
    .join("&");
  return at === -1 ? redacted : `${value.slice(0, at + 1)}${redacted}`;
}

function redacted(span: ReadableSpan): ReadableSpan {
  const touched = URL_ATTRIBUTES.filter((key) => typeof span.attributes[key] === "string");
  if (touched.length === 0) return span;
  const attributes = { ...span.attributes };
  for (const key of touched) attributes[key] = redactQuery(attributes[key] as string);
  // The span as the SDK made it, with its attributes replaced: every other field read through to it.
  return Object.create(span, { attributes: { value: attributes, enumerable: true } }) as ReadableSpan;
}

/** Hands the exporter the spans with their URLs' query values redacted. */
export class RedactingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter["export"]>[1]): void {
    this.inner.export(spans.map(redacted), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
