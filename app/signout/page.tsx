import type { Metadata } from "next";
import Link from "next/link";
import { AuthPanel } from "@/components/auth/auth-panel";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { textLinkClass } from "@/components/ui-classes";
import { getCurrentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign out" };

export default async function SignOutPage() {
  const user = await getCurrentUser();
  if (!user) {
    return (
      <AuthPanel title="Sign out">
        <p>You’re not signed in.</p>
        <p className="mt-4 flex flex-wrap gap-x-5 gap-y-2">
          <Link href="/signin" className={textLinkClass}>
            Sign in
          </Link>
          <Link href="/" className={textLinkClass}>
            Back to the catalog
          </Link>
        </p>
      </AuthPanel>
    );
  }

  return (
    <AuthPanel title="Sign out" intro={<p>You’re signed in as {user.email}.</p>}>
      <p className="mb-4">Your cart and orders stay saved in your account for next time.</p>
      <SignOutButton />
    </AuthPanel>
  );
}
