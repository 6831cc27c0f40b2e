import { devToolsEnabled } from "@/lib/env";
import { smtpConfigured } from "./mailer";

// The outbox (the emails table) keeps a copy of every e-mail. Some carry a
// secret in a link: a password reset, an e-mail confirmation, a guest order's
// access link (`…?token=…`). The store keeps only a token's hash elsewhere
// (docs/SECURITY.md), so a copy of the database must not hold the tokens in
// these bodies either. They are kept readable only where the outbox is how the
// message is read: the development mailbox (/dev/mailbox, with dev tools and
// no SMTP). With SMTP the message is sent as rendered and the copy stored
// without them; in production without SMTP nobody receives the message.

const TOKEN_IN_LINK = /([?&](?:amp;)?token=)[^\s"'<>&]+/g;

/** The body with every link's token replaced by a marker. */
export function withoutLinkTokens(body: string): string {
  return body.replace(TOKEN_IN_LINK, "$1(removed)");
}

/** Whether the stored copy may keep its links' tokens: only while the development mailbox is its reader. */
export function outboxKeepsTokens(): boolean {
  return !smtpConfigured() && devToolsEnabled();
}
