import { createHash, randomBytes } from "node:crypto";
import { getDb } from "@/db";
import { env, appUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { throttlePasswordReset } from "@/lib/http/abuse-limits";
import { addJob } from "@/lib/worker/jobs";
import { storeAndSendEmail } from "@/lib/notifications/send-order-email";
import { hashPassword } from "./password";
import { TOKEN_PATTERN, type ResetPasswordInput } from "./password-reset-schema";
import { findUserByEmail, insertPasswordReset, passwordResetUsable, resetPasswordWithToken } from "./users";

// "Forgot password?" (issue #20). The request only enqueues a job with the
// address (lib/worker/tasks/send-password-reset.ts): the answer, and the work
// done before it, are the same whether or not the address has an account. The
// job makes a 256-bit token, keeps only its SHA-256 (password_resets) and
// e-mails the link through the outbox. The link works once, for
// PASSWORD_RESET_MINUTES; using it sets the password and signs out every
// session of the account (users.session_version).

export const hashResetToken = (token: string) => createHash("sha256").update(token).digest("hex");

const invalidLink = () =>
  new AppError("invalid_request", "This reset link has expired or was already used. Ask for a new one on the sign-in page.", [
    { path: ["token"], message: "expired or already used" },
  ]);

/**
 * POST /api/password-reset: throttled per client and per e-mail address, then one
 * job enqueued, for every address alike; nothing here reads users.
 */
export async function requestPasswordReset(email: string, clientAddress: string): Promise<void> {
  await throttlePasswordReset(clientAddress, email);
  const { db } = await getDb();
  await addJob(db, "send_password_reset", { email });
}

/** The job: a link for the account at `email`, or nothing at all when there is none. */
export async function sendPasswordResetLink(email: string): Promise<"sent" | "stored" | "duplicate" | "no_account"> {
  const user = await findUserByEmail(email);
  if (!user) return "no_account";
  const token = randomBytes(32).toString("base64url");
  const tokenHash = hashResetToken(token);
  const minutes = env().PASSWORD_RESET_MINUTES;
  await insertPasswordReset(user.id, tokenHash, new Date(Date.now() + minutes * 60_000));
  const link = `${appUrl()}/reset-password?token=${token}`;
  const subject = "Reset your Paperleaf Books password";
  const lines = [
    "Someone (we hope you) asked to reset the password of your Paperleaf Books account.",
    `Open this link within ${minutes} minutes to choose a new one. It works once, and signs out every device where you are signed in.`,
  ];
  const ignore = "If you did not ask, ignore this e-mail: your password stays as it is.";
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return storeAndSendEmail({
    orderId: null,
    // One e-mail per link: a retried send of this link is a no-op once sent.
    dedupeKey: `password_reset:${tokenHash.slice(0, 32)}`,
    to: user.email,
    subject,
    text: [`Hello ${user.name},`, "", ...lines, "", link, "", ignore, "", "Paperleaf Books"].join("\n"),
    html: `<!doctype html><html><body style="font-family:Georgia,serif;color:#2b2520;background:#faf6ef;padding:24px">
<h1 style="font-size:20px">${escape(subject)}</h1><p>Hello ${escape(user.name)},</p>
${lines.map((l) => `<p>${escape(l)}</p>`).join("")}
<p><a href="${escape(link)}" style="color:#8a3b12">Choose a new password</a></p>
<p>${escape(ignore)}</p><p style="color:#6b5f55">Paperleaf Books</p></body></html>`,
  });
}

/** Sets the new password if the link is unused and unexpired; otherwise invalid_request, and nothing changes. */
export async function resetPassword(input: ResetPasswordInput): Promise<{ email: string }> {
  const tokenHash = hashResetToken(input.token);
  // argon2 only for a link that can still work (a wrong token costs one lookup).
  if (!(await passwordResetUsable(tokenHash))) throw invalidLink();
  const changed = await resetPasswordWithToken(tokenHash, await hashPassword(input.password));
  if (!changed) throw invalidLink();
  return { email: changed.email };
}

/** For the reset page: whether to show the form or say the link is spent. */
export async function resetLinkUsable(token: string): Promise<boolean> {
  return TOKEN_PATTERN.test(token) && passwordResetUsable(hashResetToken(token));
}
