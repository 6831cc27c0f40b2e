"use client";

import { useState } from "react";
import { apiRequest } from "@/components/api-client";
import { secondaryButtonClass } from "@/components/ui-classes";

/** Mails a new confirmation link (POST /api/account/verification). */
export function ResendVerificationButton() {
  const [state, setState] = useState<{ pending: boolean; message: string; error: boolean }>({ pending: false, message: "", error: false });

  async function send() {
    if (state.pending) return;
    setState({ pending: true, message: "", error: false });
    const result = await apiRequest("/api/account/verification", { method: "POST" });
    setState(
      result.ok
        ? { pending: false, message: "We sent you a new link. It works once.", error: false }
        : { pending: false, message: result.message, error: true },
    );
  }

  return (
    <div className="mt-3 flex flex-col items-start gap-2">
      <button type="button" onClick={send} disabled={state.pending} className={secondaryButtonClass}>
        {state.pending ? "Sending…" : "Send the confirmation link again"}
      </button>
      <p role="status" className={`min-h-6 text-sm font-medium ${state.error ? "text-red-800" : "text-emerald-800"}`}>
        {state.message}
      </p>
    </div>
  );
}
