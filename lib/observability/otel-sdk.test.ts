import { createServer, type Server } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { runShutdownHooks } from "@/lib/shutdown";
import { startTracing } from "./otel-sdk";
import { instrument } from "./operations";

// With OTEL_EXPORTER_OTLP_ENDPOINT set, spans leave the process over OTLP/HTTP
// (here to a local collector stand-in); without it nothing is registered.

let server: Server | undefined;
afterAll(() => server?.close());

describe("tracing export", () => {
  it("is off without an endpoint, and sends spans to OTLP/HTTP /v1/traces with one", async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    resetEnvCache();
    expect(startTracing()).toBe(false);

    const received: { path: string; bytes: number }[] = [];
    server = createServer((req, res) => {
      let bytes = 0;
      req.on("data", (chunk: Buffer) => (bytes += chunk.length));
      req.on("end", () => {
        received.push({ path: req.url ?? "", bytes });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    resetEnvCache();
    expect(startTracing()).toBe(true);

    await instrument("order_fulfillment", { name: "otlp_probe" }, async () => "done");
    // Shutting down flushes the batch processor (as SIGTERM does in the app).
    await runShutdownHooks();
    expect(received.some((r) => r.path === "/v1/traces" && r.bytes > 0)).toBe(true);
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    resetEnvCache();
  });
});
