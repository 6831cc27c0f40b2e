// POST /api/account/verification – mail the signed-in shopper a new e-mail confirmation link
import { sendEmailVerification } from "@/lib/auth/email-verification";
import { requireUser } from "@/lib/auth/session";
import { throttleVerificationMail } from "@/lib/http/abuse-limits";
import { json, route } from "@/lib/http/responses";

export const POST = route(async () => {
  const user = await requireUser();
  await throttleVerificationMail(user.id);
  await sendEmailVerification(user);
  return json({ sent: true }, { status: 202 });
});
