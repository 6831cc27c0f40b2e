import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthPanel } from "@/components/auth/auth-panel";
import { signInErrorMessage } from "@/components/auth/auth-messages";
import { safeCallbackUrl } from "@/components/auth/safe-callback";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getCurrentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Record<string, string | string[] | undefined>;
type SignInPageProps = { searchParams: Promise<SearchParams> };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function SignInPage({ searchParams }: SignInPageProps) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  const registered = first(params.registered) === "1";
  const reset = first(params.reset) === "1";

  return (
    <AuthPanel
      title="Sign in"
      intro={
        registered ? (
          <p role="status">Your account is ready. Please sign in.</p>
        ) : reset ? (
          <p role="status">Your password is changed, and every device was signed out. Please sign in with the new one.</p>
        ) : (
          <p>Welcome back. Sign in to check out and follow your orders.</p>
        )
      }
    >
      <SignInForm callbackUrl={callbackUrl} initialError={signInErrorMessage(first(params.error))} />
      <p className="mt-6 rounded-md bg-accent-soft px-3 py-2 text-sm text-accent-strong">Demo: customer@example.com / customer-pass-1</p>
    </AuthPanel>
  );
}
