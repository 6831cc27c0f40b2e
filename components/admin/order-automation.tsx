"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { apiRequest } from "@/components/api-client";
import { inputClass, panelClass, primaryButtonClass, secondaryButtonClass } from "@/components/ui-classes";
import { useAdminPost } from "./use-admin-post";

const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

type Paused = { by: "admin" | "system"; reason: string; since: string } | null;

/** Pause and resume automation on an order (POST /api/admin/orders/:id/pause and /resume). */
export function PauseControls({ orderId, paused }: { orderId: string; paused: Paused }) {
  const router = useRouter();
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState("");
  async function send(action: "pause" | "resume") {
    setPending(true);
    setMessage("");
    const result = await apiRequest(`/api/admin/orders/${orderId}/${action}`, {
      method: "POST",
      body: action === "pause" ? { reason } : {},
    });
    setPending(false);
    if (!result.ok) setMessage(result.message);
    else {
      setReason("");
      router.refresh();
    }
  }
  return (
    <section aria-labelledby="automation-heading" className={`${panelClass} ${paused ? "border-amber-400 bg-amber-50" : ""}`}>
      <h2 id="automation-heading" className="font-serif text-xl font-bold">
        Automation
      </h2>
      {paused ? (
        <>
          <p className="mt-2 text-sm" data-testid="paused-banner">
            <strong>Paused</strong> {paused.by === "system" ? "by the system after repeated job failures" : "by an operator"} since{" "}
            {utc(paused.since)}: {paused.reason}
          </p>
          <p className="mt-1 text-sm text-ink-soft">
            No timer or job moves this order: the payment timeout, the warehouse, refund retries and return expiries wait. Payments and
            refund outcomes from the gateway are still recorded. Resuming runs what fell due meanwhile.
          </p>
          <button type="button" className={`${primaryButtonClass} mt-3`} disabled={pending} onClick={() => void send("resume")}>
            Resume automation
          </button>
        </>
      ) : (
        <form
          className="mt-2 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void send("pause");
          }}
        >
          <label htmlFor={reasonId} className="flex flex-col gap-1 text-sm font-semibold">
            Why pause it?
            <input
              id={reasonId}
              className={`${inputClass} w-72 font-normal`}
              value={reason}
              minLength={3}
              maxLength={500}
              required
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <button type="submit" className={secondaryButtonClass} disabled={pending}>
            Pause automation
          </button>
        </form>
      )}
      <p role="status" aria-live="polite" className="mt-2 text-sm text-red-800">
        {message}
      </p>
    </section>
  );
}

/** Mark an order from the "ship by hand" queue shipped, with the parcel's tracking number if it has one. */
export function ShipByHandForm({ orderId, label }: { orderId: string; label: string }) {
  const trackingId = useId();
  const [tracking, setTracking] = useState("");
  const { pending, message, post } = useAdminPost();
  async function ship() {
    const trackingNumber = tracking.trim();
    await post(`/api/admin/orders/${orderId}/fulfil`, trackingNumber ? { trackingNumber } : {});
  }
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      aria-label={`Ship order ${label} by hand`}
      onSubmit={(e) => {
        e.preventDefault();
        void ship();
      }}
    >
      <label htmlFor={trackingId} className="flex flex-col gap-1 text-sm font-semibold">
        Tracking number (optional)
        <input
          id={trackingId}
          className={`${inputClass} w-56 font-normal`}
          value={tracking}
          maxLength={64}
          onChange={(e) => setTracking(e.target.value)}
        />
      </label>
      <button type="submit" className={primaryButtonClass} disabled={pending}>
        Mark shipped
      </button>
      <p role="status" aria-live="polite" className="w-full text-sm text-red-800">
        {message}
      </p>
    </form>
  );
}
