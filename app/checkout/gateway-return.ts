import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { requireUser, type CurrentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { withContext } from "@/lib/observability/context";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
type ReturnInput = { userId: string; sessionId: string };

/**
 * What both gateway return pages do first: read session_id, require the
 * signed-in shopper (back to this page after sign-in), and run the
 * reconciliation; a session that is not this shopper's is a 404.
 */
export async function handleGatewayReturn<T>(
  searchParams: SearchParams,
  path: string,
  run: (input: ReturnInput) => Promise<T>,
): Promise<{ user: CurrentUser; result: T }> {
  const sessionId = [(await searchParams).session_id].flat()[0] ?? "";
  const user = await requireUser().catch(() => redirect(`/signin?callbackUrl=${encodeURIComponent(`${path}?session_id=${sessionId}`)}`));
  const requestId = (await headers()).get("x-request-id") ?? undefined;
  // The request id travels in the work context into dispatch and the jobs it enqueues.
  const result = await withContext({ requestId }, () => run({ userId: user.id, sessionId })).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  return { user, result };
}
