// DELETE /api/account/sessions – "sign out everywhere": every session of this account
// (this browser's too) is refused from the next request on. Signed-in users only, for
// their own account; no body. Once it has run, the caller's own session is gone, so it
// cannot be repeated without signing in again (which is throttled).
import { endAllSessions } from "@/lib/auth/users";
import { requireUser } from "@/lib/auth/session";
import { json, route } from "@/lib/http/responses";
import { logger } from "@/lib/observability/log";

export const DELETE = route(async () => {
  const user = await requireUser();
  const sessionVersion = await endAllSessions(user.id);
  logger().info({ userId: user.id, sessionVersion }, "signed out everywhere");
  return json({ signedOutEverywhere: true });
});
