"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useId, useState, type FormEvent } from "react";
import { FormField } from "@/components/form-field";
import { primaryButtonClass, textLinkClass } from "@/components/ui-classes";
import { SIGN_IN_FAILED_MESSAGE, signInErrorMessage } from "./auth-messages";
import { withCallback } from "./safe-callback";

type SignInFormProps = { callbackUrl: string; initialError?: string };

export function SignInForm({ callbackUrl, initialError }: SignInFormProps) {
  const id = useId();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState(initialError ?? "");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (!email.trim() || !password) {
      setError("Enter your e-mail address and password.");
      return;
    }
    setPending(true);
    setError("");
    let message: string | undefined;
    try {
      const result = await signIn("credentials", { email: email.trim(), password, redirect: false });
      if (!result?.ok || result.error) message = signInErrorMessage(result?.error, result?.status) ?? SIGN_IN_FAILED_MESSAGE;
    } catch {
      message = SIGN_IN_FAILED_MESSAGE;
    }
    if (message) {
      setError(message);
      setPending(false);
      return;
    }
    // The anonymous cart has been merged into the account's: recount it.
    window.dispatchEvent(new Event("cart:updated"));
    // A full navigation: every server-rendered part (header, cart) sees the new session.
    window.location.assign(callbackUrl);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <FormField id={`${id}-email`} name="email" label="E-mail" type="email" autoComplete="email" value={email} onChange={setEmail} />
      <FormField
        id={`${id}-password`}
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
      <p className="-mt-2 text-sm">
        <Link href="/forgot-password" className={textLinkClass}>
          Forgot password?
        </Link>
      </p>
      <p role="alert" className="min-h-6 text-sm font-medium text-red-800">
        {error}
      </p>
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="text-sm text-ink-soft">
        New here?{" "}
        <Link href={withCallback("/register", callbackUrl)} className={textLinkClass}>
          Create an account
        </Link>
      </p>
    </form>
  );
}
