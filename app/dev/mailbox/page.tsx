import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { requireAdminPage } from "@/app/admin/require-admin";
import { devToolsEnabled } from "@/lib/env";
import { listMailbox } from "@/lib/notifications/mailbox";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Development mailbox" };

// GET /dev/mailbox – e-mails the store "sent" while no SMTP server is configured.
export default async function MailboxPage() {
  // Demo mode only (production refuses DEV_TOOLS), and only for operators: customers'
  // e-mails are not for everyone who can reach the port. 404 for everybody else.
  if (!devToolsEnabled()) notFound();
  await requireAdminPage();
  const messages = await listMailbox();
  return (
    <div className="mx-auto max-w-5xl px-4 py-10 sm:px-6">
      <h1 className="font-serif text-3xl font-bold text-ink">Development mailbox</h1>
      <p className="mt-2 text-ink-soft">Every e-mail the store would send. Set SMTP_URL to deliver them for real.</p>
      <div className={`${panelClass} mt-6 overflow-x-auto`}>
        {messages.length === 0 ? (
          <p className="text-ink-soft">No e-mails yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-line text-xs uppercase tracking-wide text-ink-soft">
                <th className="py-2 pr-4">When (UTC)</th>
                <th className="py-2 pr-4">To</th>
                <th className="py-2 pr-4">Subject</th>
                <th className="py-2">Status</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id} className="border-b border-line last:border-0">
                  <td className="py-2 pr-4 whitespace-nowrap">{m.createdAt.replace("T", " ").slice(0, 19)}</td>
                  <td className="py-2 pr-4">{m.to}</td>
                  <td className="py-2 pr-4">
                    <Link className={textLinkClass} href={`/dev/mailbox/${m.id}`}>
                      {m.subject}
                    </Link>
                  </td>
                  <td className="py-2">{m.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
