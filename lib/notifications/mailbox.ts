import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import type { SqlRow } from "@/db/rows";
import type { emails } from "@/db/schema";
import { isUuid } from "@/lib/ids";

export type MailboxEntry = { id: string; orderId: string | null; to: string; subject: string; status: string; createdAt: string };
export type MailboxMessage = MailboxEntry & { text: string; html: string };

export async function listMailbox(limit = 100): Promise<MailboxEntry[]> {
  const { db } = await getDb();
  const rows = await db.execute<SqlRow<typeof emails, "id" | "orderId" | "toAddress" | "subject" | "status" | "createdAt">>(sql`
    select id, order_id, to_address, subject, status, created_at from emails order by created_at desc limit ${limit}`);
  return rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    to: r.to_address,
    subject: r.subject,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export async function getMailboxMessage(id: string): Promise<MailboxMessage | undefined> {
  if (!isUuid(id)) return undefined;
  const { db } = await getDb();
  const [r] = await db.execute<
    SqlRow<typeof emails, "id" | "orderId" | "toAddress" | "subject" | "status" | "createdAt" | "textBody" | "htmlBody">
  >(sql`
    select id, order_id, to_address, subject, status, created_at, text_body, html_body from emails where id = ${id}`);
  if (!r) return undefined;
  return {
    id: r.id,
    orderId: r.order_id,
    to: r.to_address,
    subject: r.subject,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    text: r.text_body,
    html: r.html_body,
  };
}
