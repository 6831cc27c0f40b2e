"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { primaryButtonClass } from "@/components/ui-classes";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState("");

  async function onClick() {
    if (pending) return;
    setPending(true);
    setError("");
    try {
      await signOut({ callbackUrl: "/" });
    } catch {
      setPending(false);
      setError("We couldn’t sign you out. Please try again.");
    }
  }

  return (
    <div className="flex flex-col gap-3">
      <button type="button" onClick={onClick} disabled={pending} className={primaryButtonClass}>
        {pending ? "Signing out…" : "Sign out"}
      </button>
      <p role="alert" className="min-h-6 text-sm font-medium text-red-800">
        {error}
      </p>
    </div>
  );
}
