// GET /api/health – readiness: database, migrations and worker heartbeat
import { checkHealth } from "@/lib/health/check-health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { healthy, report } = await checkHealth();
  return Response.json(report, { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
