"use client";

import { useState } from "react";
import { apiRequest, isRecord } from "@/components/api-client";
import { primaryButtonClass } from "@/components/ui-classes";

/** Confirms the address with one click (a mail scanner that only opens the link uses nothing up). */
export function VerifyEmailButton({ token }: { token: string }) {
  const [state, setState] = useState<{ kind: "idle" | "pending" } | { kind: "done" | "error"; message: string }>({ kind: "idle" });

  async function confirm() {
    if (state.kind === "pending" || state.kind === "done") return;
    setState({ kind: "pending" });
    const result = await apiRequest("/api/verify-email", { method: "POST", body: { token } });
    if (!result.ok) {
      setState({ kind: "error", message: result.message });
      return;
    }
    const claimed = isRecord(result.data) && typeof result.data.claimedOrders === "number" ? result.data.claimedOrders : 0;
    const orders = claimed === 1 ? "1 guest order is" : `${claimed} guest orders are`;
    setState({
      kind: "done",
      message: `Thank you, your e-mail address is confirmed.${claimed > 0 ? ` ${orders} now in your account.` : ""}`,
    });
  }

  return (
    <div className="flex flex-col items-start gap-3">
      <button type="button" onClick={confirm} disabled={state.kind === "pending" || state.kind === "done"} className={primaryButtonClass}>
        {state.kind === "pending" ? "Confirming…" : "Confirm my e-mail address"}
      </button>
      <p role="status" className={`min-h-6 text-sm font-medium ${state.kind === "error" ? "text-red-800" : "text-emerald-800"}`}>
        {state.kind === "done" || state.kind === "error" ? state.message : ""}
      </p>
    </div>
  );
}
