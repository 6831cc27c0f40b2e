// POST /api/verify-email – follow an e-mail confirmation link: the address is proven, its guest orders are claimed for the account
import { z } from "zod";
import { VERIFICATION_TOKEN_PATTERN, verifyEmail } from "@/lib/auth/email-verification";
import { throttleEmailVerification } from "@/lib/http/abuse-limits";
import { clientAddress } from "@/lib/http/client-address";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

const verifySchema = z.object({ token: z.string().regex(VERIFICATION_TOKEN_PATTERN, "token is not a confirmation token") });

export const POST = route(async (request: Request) => {
  const { token } = await readJson(request, verifySchema);
  await throttleEmailVerification(clientAddress(request.headers));
  const verified = await verifyEmail(token);
  return json({ email: verified.email, claimedOrders: verified.claimedOrderIds.length });
});
