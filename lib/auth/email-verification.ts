import { createHash, randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import type { SqlRow } from "@/db/rows";
import type { emailVerifications } from "@/db/schema";
import { appUrl, env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { storeAndSendEmail } from "@/lib/notifications/send-order-email";
import { logger } from "@/lib/observability/log";
import { dispatch } from "@/lib/orders/dispatch";
import { unclaimedGuestOrderIds } from "@/lib/orders/store";
import { markEmailVerified } from "./users";

// Proving an account's e-mail address (docs/SECURITY.md, "Guest orders"): a
// single-use, expiring link mailed at sign-up. Only once it is followed do the
// guest orders of that address become the account's (CLAIM through dispatch),
// so registering someone else's address first hands over nothing. The one
// module that writes email_verifications; only a hash of each token is kept.

/** A token is 43 base64url characters (32 random bytes). */
export const VERIFICATION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** Creates a verification link for the account's address and mails it (the outbox; SMTP when set). */
export async function sendEmailVerification(user: { id: string; email: string; name: string }): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const { db } = await getDb();
  await db.execute(sql`
    insert into email_verifications (token_hash, user_id, email, expires_at)
    values (${hashOf(token)}, ${user.id}, ${user.email.toLowerCase()}, now() + make_interval(hours => ${env().EMAIL_VERIFICATION_HOURS}))`);
  const link = `${appUrl()}/verify-email?token=${token}`;
  const hours = env().EMAIL_VERIFICATION_HOURS;
  const text = [
    `Hello ${user.name},`,
    "",
    "Please confirm that this is your e-mail address:",
    link,
    "",
    `The link works once, for ${hours} hours. Orders you placed as a guest with this address then appear in your account.`,
    "",
    "Paperleaf Books",
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:Georgia,serif;color:#2b2520;background:#faf6ef;padding:24px">
<h1 style="font-size:20px">Confirm your e-mail address</h1><p>Hello ${escapeHtml(user.name)},</p>
<p><a href="${escapeHtml(link)}" style="color:#8a3b12">Confirm that this is your e-mail address</a>.</p>
<p>The link works once, for ${hours} hours. Orders you placed as a guest with this address then appear in your account.</p>
<p style="color:#6b5f55">Paperleaf Books</p></body></html>`;
  try {
    await storeAndSendEmail({
      orderId: null,
      dedupeKey: `verify:${hashOf(token)}`,
      to: user.email,
      subject: "Confirm your e-mail address",
      text,
      html,
    });
  } catch (error) {
    // The outbox keeps it; the account page can send another.
    logger().warn({ userId: user.id, err: error }, "could not send the verification e-mail now");
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type VerifiedEmail = { userId: string; email: string; claimedOrderIds: string[] };

/**
 * Follows a verification link: the token is used up (once, before it expires),
 * the account's address is marked proven, and every guest order of that
 * address is claimed for the account through dispatch (CLAIM). A wrong, used
 * or expired token changes nothing.
 */
export async function verifyEmail(token: string): Promise<VerifiedEmail> {
  const invalid = () => new AppError("invalid_request", "This confirmation link is not valid any more. Sign in and ask for a new one.");
  if (!VERIFICATION_TOKEN_PATTERN.test(token)) throw invalid();
  const { db } = await getDb();
  const [row] = await db.execute<SqlRow<typeof emailVerifications, "userId" | "email">>(sql`
    update email_verifications set used_at = now()
    where token_hash = ${hashOf(token)} and used_at is null and expires_at > now()
    returning user_id, email`);
  if (!row) throw invalid();
  if (!(await markEmailVerified(row.user_id, row.email))) throw invalid();
  return { userId: row.user_id, email: row.email, claimedOrderIds: await claimGuestOrders(row.user_id, row.email) };
}

/** Claims the unclaimed guest orders of a proven address for the account: one CLAIM each (a repeat is a duplicate). */
export async function claimGuestOrders(userId: string, email: string): Promise<string[]> {
  const claimed: string[] = [];
  for (const orderId of await unclaimedGuestOrderIds(email)) {
    const result = await dispatch(orderId, { type: "CLAIM", userId }, "user");
    if (result.outcome === "accepted") claimed.push(orderId);
  }
  return claimed;
}
