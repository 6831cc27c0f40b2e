"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { apiRequest } from "@/components/api-client";
import { FormField } from "@/components/form-field";
import { primaryButtonClass, textLinkClass } from "@/components/ui-classes";
import { resetPasswordSchema } from "@/lib/auth/password-reset-schema";

/** The e-mailed link's page: a new password, then sign in again (every session was signed out). */
export function ResetPasswordForm({ token }: { token: string }) {
  const id = useId();
  const router = useRouter();
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [expired, setExpired] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const parsed = resetPasswordSchema.safeParse({ token, password });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Use at least 8 characters");
      return;
    }
    setPending(true);
    setError("");
    const result = await apiRequest("/api/password-reset/confirm", { method: "POST", body: parsed.data });
    if (!result.ok) {
      setPending(false);
      setError(result.message);
      setExpired(result.code === "invalid_request" && /expired|used/.test(result.message));
      return;
    }
    // Every session was signed out: refresh, so the header forgets any this browser had.
    router.push("/signin?reset=1");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <FormField
        id={`${id}-password`}
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters."
        value={password}
        onChange={setPassword}
        error={error || undefined}
      />
      {expired ? (
        <Link href="/forgot-password" className={textLinkClass}>
          Send me a new link
        </Link>
      ) : null}
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        {pending ? "Saving…" : "Set new password"}
      </button>
    </form>
  );
}
