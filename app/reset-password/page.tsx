import type { Metadata } from "next";
import Link from "next/link";
import { AuthPanel } from "@/components/auth/auth-panel";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { primaryButtonClass } from "@/components/ui-classes";
import { resetLinkUsable } from "@/lib/auth/password-reset";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  if (!(await resetLinkUsable(token))) {
    return (
      <AuthPanel title="This link no longer works">
        <p role="alert">Reset links work once, for a short time. This one has expired, was already used, or is not complete.</p>
        <Link href="/forgot-password" className={`mt-5 ${primaryButtonClass}`}>
          Send me a new link
        </Link>
      </AuthPanel>
    );
  }
  return (
    <AuthPanel title="Choose a new password" intro={<p>After this, every device where you are signed in is signed out.</p>}>
      <ResetPasswordForm token={token} />
    </AuthPanel>
  );
}
