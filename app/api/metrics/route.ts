// GET /api/metrics – Prometheus text: orders, transitions, webhooks, jobs, gateway, HTTP latency (token in production)
import { route } from "@/lib/http/responses";
import { renderMetrics } from "@/lib/observability/store-metrics";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request) => {
  const { body, contentType } = await renderMetrics(request.headers.get("authorization"));
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
});
