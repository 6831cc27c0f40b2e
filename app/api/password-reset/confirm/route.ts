// POST /api/password-reset/confirm – set a new password with the e-mailed link's token
import { resetPassword } from "@/lib/auth/password-reset";
import { resetPasswordSchema } from "@/lib/auth/password-reset-schema";
import { throttlePasswordResetConfirm } from "@/lib/http/abuse-limits";
import { clientAddress } from "@/lib/http/client-address";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (request: Request) => {
  const input = await readJson(request, resetPasswordSchema);
  await throttlePasswordResetConfirm(clientAddress(request.headers));
  const { email } = await resetPassword(input);
  return json({ reset: true, email });
});
