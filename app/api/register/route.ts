// POST /api/register – create a customer account
import { sendEmailVerification } from "@/lib/auth/email-verification";
import { registerUser } from "@/lib/auth/users";
import { registerSchema } from "@/lib/auth/register-schema";
import { throttleRegistration } from "@/lib/http/abuse-limits";
import { clientAddress } from "@/lib/http/client-address";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (request: Request) => {
  const input = await readJson(request, registerSchema);
  // Only a valid request reaches argon2, and only those count against the address.
  await throttleRegistration(clientAddress(request.headers));
  const user = await registerUser(input);
  // Guest orders of this address become the account's only once the mailed link proves it is theirs.
  await sendEmailVerification(user);
  return json(user, { status: 201 });
});
