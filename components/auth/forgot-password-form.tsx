"use client";

import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { apiRequest } from "@/components/api-client";
import { FormField } from "@/components/form-field";
import { primaryButtonClass, textLinkClass } from "@/components/ui-classes";
import { forgotPasswordSchema, PASSWORD_RESET_ANSWER } from "@/lib/auth/password-reset-schema";

/** "Forgot password?": one field; the answer is the same whether or not the address has an account. */
export function ForgotPasswordForm() {
  const id = useId();
  const [email, setEmail] = useState("");
  const [error, setError] = useState("");
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const parsed = forgotPasswordSchema.safeParse({ email });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Enter a valid e-mail address");
      return;
    }
    setPending(true);
    setError("");
    const result = await apiRequest("/api/password-reset", { method: "POST", body: parsed.data });
    setPending(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setSentTo(parsed.data.email);
  }

  if (sentTo) {
    return (
      <div role="status" className="flex flex-col gap-3">
        <h2 className="text-lg font-semibold">Check your inbox</h2>
        <p>{PASSWORD_RESET_ANSWER.message}</p>
        <p className="text-sm text-ink-soft">
          We sent it to <strong className="break-all">{sentTo}</strong>. The link works once, for a short time. Nothing arrived? Check the
          spam folder, or ask again in a few minutes.
        </p>
        <Link href="/signin" className={textLinkClass}>
          Back to sign in
        </Link>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <FormField
        id={`${id}-email`}
        name="email"
        label="E-mail"
        type="email"
        autoComplete="email"
        value={email}
        onChange={setEmail}
        error={error || undefined}
      />
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        {pending ? "Sending…" : "E-mail me a link"}
      </button>
      <p className="text-sm text-ink-soft">
        Remembered it?{" "}
        <Link href="/signin" className={textLinkClass}>
          Sign in
        </Link>
      </p>
    </form>
  );
}
