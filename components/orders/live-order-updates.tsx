"use client";

import { useOrderUpdates } from "./use-order-updates";

type Props = { orderId: string; revision: number };

const labels = { connecting: "Connecting…", live: "Live updates", polling: "Checking for updates" } as const;

/** Keeps the order page current and says so; the dot pulses while the stream is live. */
export function LiveOrderUpdates({ orderId, revision }: Props) {
  const mode = useOrderUpdates(orderId, revision);
  return (
    <span data-update-mode={mode} className="inline-flex h-6 items-center gap-2 text-xs text-ink-soft">
      <span aria-hidden="true" className={`size-2 rounded-full ${mode === "live" ? "animate-pulse bg-emerald-600" : "bg-stone-400"}`} />
      {labels[mode]}
    </span>
  );
}
