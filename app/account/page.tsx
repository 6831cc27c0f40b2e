import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ResendVerificationButton } from "@/components/auth/resend-verification-button";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { SignOutEverywhereButton } from "@/components/auth/sign-out-everywhere-button";
import { panelClass, secondaryButtonClass } from "@/components/ui-classes";
import { getCurrentUser } from "@/lib/auth/session";
import { emailVerified } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=%2Faccount");
  const verified = await emailVerified(user.id);

  return (
    <div className="mx-auto w-full max-w-2xl">
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Your account</h1>
      <section aria-labelledby="details-heading" className={`mt-6 ${panelClass}`}>
        <h2 id="details-heading" className="text-xl font-semibold">
          Your details
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-3 sm:grid-cols-[8rem_minmax(0,1fr)]">
          <dt className="text-sm font-semibold text-ink-soft">Name</dt>
          <dd className="break-words">{user.name || "—"}</dd>
          <dt className="text-sm font-semibold text-ink-soft">E-mail</dt>
          <dd className="break-all">
            {user.email} <span className="text-sm text-ink-soft">{verified ? "(confirmed)" : "(not confirmed yet)"}</span>
          </dd>
        </dl>
        {verified ? null : (
          <div className="mt-4 text-sm text-ink-soft" data-testid="email-unconfirmed">
            <p>
              Follow the link we e-mailed you to confirm this address. Orders you placed as a guest with it then move into your account.
            </p>
            <ResendVerificationButton />
          </div>
        )}
      </section>
      <nav aria-label="Account" className="mt-6">
        <ul className="flex flex-wrap gap-3">
          <li>
            <Link href="/orders" className={secondaryButtonClass}>
              Your orders
            </Link>
          </li>
          <li>
            <SignOutButton className={secondaryButtonClass} inline />
          </li>
        </ul>
      </nav>
      <section aria-labelledby="sessions-heading" className={`mt-6 ${panelClass}`}>
        <h2 id="sessions-heading" className="text-xl font-semibold">
          Sessions
        </h2>
        <p className="mt-2 text-ink-soft">
          Signed in on a computer you no longer use, or think someone else has your password? Sign out everywhere ends every session of this
          account, this one included.
        </p>
        <div className="mt-4">
          <SignOutEverywhereButton />
        </div>
      </section>
    </div>
  );
}
