// POST /api/password-reset – "Forgot password?": e-mail a reset link if the address has an account
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { forgotPasswordSchema, PASSWORD_RESET_ANSWER } from "@/lib/auth/password-reset-schema";
import { clientAddress } from "@/lib/http/client-address";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (request: Request) => {
  const { email } = await readJson(request, forgotPasswordSchema);
  await requestPasswordReset(email, clientAddress(request.headers));
  return json(PASSWORD_RESET_ANSWER, { status: 202 });
});
