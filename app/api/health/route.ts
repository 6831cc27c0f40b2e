// GET /api/health – readiness: database, migrations and worker heartbeat (503 with the failing part)
import { checkHealth, healthResponse } from "@/lib/health/check-health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return healthResponse(await checkHealth());
}
