"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest, isRecord } from "@/components/api-client";
import { secondaryButtonClass } from "@/components/ui-classes";

/**
 * Deletes an endpoint after the operator confirms: its deliveries (waiting and held ones too) go with it,
 * and nothing more is sent to it. Then back to the list.
 */
export function HookDeleteAction({ endpointId, url, waiting }: { endpointId: string; url: string; waiting: number }) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [pending, setPending] = useState(false);
  async function act() {
    const dropped = waiting > 0 ? ` Its ${waiting} waiting ${waiting === 1 ? "delivery is" : "deliveries are"} dropped, not sent.` : "";
    if (!window.confirm(`Delete the endpoint ${url}? Nothing more is sent to it.${dropped} This cannot be undone.`)) return;
    setPending(true);
    const result = await apiRequest(`/api/admin/hooks/${endpointId}`, { method: "DELETE" });
    setPending(false);
    if (!result.ok) {
      setMessage(result.message);
      return;
    }
    router.push("/admin/hooks");
    router.refresh();
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" onClick={act} disabled={pending} className={`${secondaryButtonClass} text-red-800`}>
        Delete endpoint
      </button>
      <span role="status" className="text-xs text-red-800">
        {message}
      </span>
    </span>
  );
}

/**
 * "Roll secret" after the operator confirms: the new secret is shown here once; the old one keeps signing
 * (a second v1 in Paperleaf-Signature) for the grace period, so the receiver can switch over.
 */
export function HookRollSecretAction({ endpointId, graceHours }: { endpointId: string; graceHours: number }) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [secret, setSecret] = useState("");
  const [pending, setPending] = useState(false);
  async function act() {
    const grace = `For ${graceHours} hours each delivery is signed with the old secret and the new one; after that, with the new one only.`;
    if (!window.confirm(`Roll this endpoint's signing secret? The new secret is shown once. ${grace}`)) return;
    setPending(true);
    const result = await apiRequest(`/api/admin/hooks/${endpointId}/roll-secret`, { method: "POST" });
    setPending(false);
    if (!result.ok || !isRecord(result.data) || typeof result.data.secret !== "string") {
      setMessage(result.ok ? "The answer had no secret" : result.message);
      return;
    }
    setMessage("");
    setSecret(result.data.secret);
    router.refresh();
  }
  return (
    <div className="flex flex-col gap-2">
      <span className="inline-flex items-center gap-2">
        <button type="button" onClick={act} disabled={pending} className={secondaryButtonClass}>
          Roll secret
        </button>
        <span role="status" className="text-xs text-red-800">
          {message}
        </span>
      </span>
      {secret ? (
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
          <p className="font-semibold">New signing secret: copy it now, it is not shown again.</p>
          <p className="mt-2 font-mono break-all" data-testid="hook-secret">
            {secret}
          </p>
          <p className="mt-2">Give it to the receiver within {graceHours} hours; until then the old secret still works.</p>
        </div>
      ) : null}
    </div>
  );
}
