import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { requireAdminPage } from "@/app/admin/require-admin";
import { devToolsEnabled } from "@/lib/env";
import { getMailboxMessage } from "@/lib/notifications/mailbox";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "E-mail" };

// GET /dev/mailbox/:id – one stored e-mail, text and HTML.
export default async function MailboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  // Demo mode only (production refuses DEV_TOOLS), and only for operators: customers'
  // e-mails are not for everyone who can reach the port. 404 for everybody else.
  if (!devToolsEnabled()) notFound();
  await requireAdminPage();
  const message = await getMailboxMessage((await params).id);
  if (!message) notFound();
  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6">
      <Link className={textLinkClass} href="/dev/mailbox">
        ← Mailbox
      </Link>
      <h1 className="mt-3 font-serif text-2xl font-bold text-ink">{message.subject}</h1>
      <p className="mt-1 text-sm text-ink-soft">
        To {message.to} · {message.createdAt.replace("T", " ").slice(0, 19)} UTC · {message.status}
        {message.orderId ? (
          <>
            {" · "}
            <Link className={textLinkClass} href={`/orders/${message.orderId}`}>
              order
            </Link>
          </>
        ) : null}
      </p>
      <section className={`${panelClass} mt-6`} aria-labelledby="html-version">
        <h2 id="html-version" className="font-serif text-lg font-bold">
          HTML version
        </h2>
        <iframe
          title="HTML version of the e-mail"
          sandbox=""
          srcDoc={message.html}
          className="mt-3 h-96 w-full rounded border border-line bg-white"
        />
      </section>
      <section className={`${panelClass} mt-6`} aria-labelledby="text-version">
        <h2 id="text-version" className="font-serif text-lg font-bold">
          Text version
        </h2>
        <pre className="mt-3 whitespace-pre-wrap text-sm">{message.text}</pre>
      </section>
    </div>
  );
}
