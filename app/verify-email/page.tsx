import type { Metadata } from "next";
import { VerifyEmailButton } from "@/components/auth/verify-email-button";
import { panelClass } from "@/components/ui-classes";

export const metadata: Metadata = { title: "Confirm your e-mail address" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// GET /verify-email?token=… – the link mailed at sign-up; the button spends it (POST /api/verify-email).
export default async function VerifyEmailPage({ searchParams }: Props) {
  const token = [(await searchParams).token].flat()[0] ?? "";
  return (
    <div className={`${panelClass} mx-auto max-w-xl`}>
      <h1 className="text-2xl font-bold tracking-tight">Confirm your e-mail address</h1>
      <p className="mt-2 mb-5 text-sm text-ink-soft">
        Confirming proves this address is yours. Any orders you placed as a guest with it then move into your account.
      </p>
      <VerifyEmailButton token={token} />
    </div>
  );
}
