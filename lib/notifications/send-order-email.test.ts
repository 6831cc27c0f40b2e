import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { placeOrder } from "@/lib/orders/place-order";
import { createBook, createUser } from "@/test/fixtures";
import { startSmtpSink } from "@/test/smtp-sink";
import { sendOrderEmail } from "./send-order-email";

afterEach(() => {
  delete process.env.SMTP_URL;
  resetEnvCache();
});

async function order() {
  const userId = await createUser();
  return (await placeOrder({ userId, items: [{ bookId: await createBook(3), quantity: 1 }] })).orderId;
}

describe("order e-mails", () => {
  it("without SMTP_URL they are stored for the development mailbox", async () => {
    const orderId = await order();
    expect(await sendOrderEmail({ orderId, template: "order_created", dedupeKey: `${orderId}:created` })).toBe("stored");
    const { db } = await getDb();
    const [row] = await db.execute<{ status: string; subject: string; text_body: string; html_body: string }>(sql`
      select status, subject, text_body, html_body from emails where order_id = ${orderId}`);
    expect(row?.status).toBe("stored");
    expect(row?.subject).toMatch(/is reserved for you/);
    expect(row?.text_body).toMatch(/Total: \$12\.99/);
    expect(row?.html_body).toMatch(/<html>/);
  });

  it("with SMTP_URL they are sent once, and a failed send is retried later", async () => {
    const sink = await startSmtpSink();
    process.env.SMTP_URL = sink.url;
    resetEnvCache();
    const orderId = await order();
    expect(await sendOrderEmail({ orderId, template: "order_paid", dedupeKey: `${orderId}:paid` })).toBe("sent");
    expect(await sendOrderEmail({ orderId, template: "order_paid", dedupeKey: `${orderId}:paid` })).toBe("duplicate");
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]).toMatch(/Subject: Order .* is paid/);
    await sink.stop();

    // The SMTP server is down: the send throws (the job retries) and the e-mail waits as queued.
    await expect(sendOrderEmail({ orderId, template: "order_shipped", dedupeKey: `${orderId}:shipped` })).rejects.toThrow();
    const { db } = await getDb();
    const [queued] = await db.execute<{ status: string }>(sql`select status from emails where dedupe_key = ${`${orderId}:shipped`}`);
    expect(queued?.status).toBe("queued");
  });
});
