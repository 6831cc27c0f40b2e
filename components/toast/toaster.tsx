"use client";

import Link from "next/link";
import { useSyncExternalStore } from "react";
import { currentToasts, dismissToast, noToasts, subscribeToasts } from "./toast-store";

const tones = {
  success: "border-emerald-700/30 bg-emerald-50 text-emerald-900",
  error: "border-red-700/30 bg-red-50 text-red-900",
  info: "border-line bg-card text-ink",
} as const;

/**
 * Where toasts appear: bottom right, above the content, announced politely.
 * The live region is always in the page so screen readers hear new toasts.
 */
export function Toaster() {
  const shown = useSyncExternalStore(subscribeToasts, currentToasts, noToasts);
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-3 bottom-3 z-50 flex flex-col items-end gap-2 sm:inset-x-auto sm:right-5 sm:bottom-5"
    >
      {shown.map((t) => (
        <div
          key={t.id}
          className={`pointer-events-auto flex max-w-sm items-start gap-3 rounded-lg border px-4 py-3 text-sm font-medium shadow-card-hover ${tones[t.tone]}`}
        >
          <p className="flex-1">
            {t.message}
            {t.link ? (
              <>
                {" "}
                <Link href={t.link.href} className="font-semibold underline underline-offset-2">
                  {t.link.label}
                </Link>
              </>
            ) : null}
          </p>
          <button
            type="button"
            onClick={() => dismissToast(t.id)}
            className="-my-1 rounded px-1.5 py-1 leading-none hover:bg-black/5"
            aria-label="Dismiss notification"
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
