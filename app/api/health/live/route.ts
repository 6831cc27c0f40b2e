// GET /api/health/live – liveness: the process answers (no database check; restart it if this fails)
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }, { headers: { "Cache-Control": "no-store" } });
}
