import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";

let transport: Transporter | undefined;

/** True when e-mails leave the building; otherwise they are kept for /dev/mailbox. */
export function smtpConfigured(): boolean {
  return !!env().SMTP_URL;
}

export async function deliverEmail(message: { to: string; subject: string; text: string; html: string }): Promise<void> {
  const url = env().SMTP_URL;
  if (!url) return;
  transport ??= nodemailer.createTransport(url);
  await transport.sendMail({ from: env().MAIL_FROM, ...message });
}
