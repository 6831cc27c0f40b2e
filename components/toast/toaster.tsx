"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useSyncExternalStore, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { currentToasts, dismissToast, noToasts, subscribeToasts, type Toast } from "./toast-store";

const tones = {
  success: "border-emerald-700/30 bg-emerald-50 text-emerald-900",
  error: "border-red-700/30 bg-red-50 text-red-900",
  info: "border-line bg-card text-ink",
} as const;

const placements = {
  bottom: "bottom-3 sm:bottom-5",
  top: "top-3 sm:top-5",
} as const;

const FOCUSABLE = "a[href], button, input:not([type='hidden']), select, textarea, summary, [tabindex]";

/** What Tab visits inside `root`, in document order. */
function tabbables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.tabIndex >= 0 && !el.matches(":disabled") && el.getClientRects().length > 0 && !el.closest("[inert]"),
  );
}

/** The element Tab reaches after `origin` in the page when there are no toasts. */
function nextInPage(origin: HTMLElement, toaster: HTMLElement): HTMLElement | undefined {
  const order = tabbables(document).filter((el) => !toaster.contains(el));
  const at = order.indexOf(origin);
  return at < 0 ? undefined : order[at + 1];
}

/** The newest toast with a link whose origin is still in the page: it takes its place in the tab order, right after its origin. */
function inTabOrder(shown: readonly Toast[]): Toast | undefined {
  return [...shown].reverse().find((t) => t.link && t.origin?.isConnected);
}

/**
 * Where toasts appear: bottom right (top when the bottom holds what raised them), above the content,
 * announced politely. The live region is always in the page so screen readers hear new toasts.
 *
 * Keyboard: a toast with a link comes right after the element that raised it (Tab from the "Add to cart"
 * button reaches "View cart", then "Dismiss", then what followed the button); Escape dismisses a toast,
 * and focus goes back to that element rather than to the page body.
 */
export function Toaster() {
  const shown = useSyncExternalStore(subscribeToasts, currentToasts, noToasts);
  const region = useRef<HTMLDivElement>(null);
  const placement = shown.at(-1)?.placement ?? "bottom";
  const pathname = usePathname();

  // A toast that stays has done its job once the shopper is where its link goes ("View cart" on the cart).
  useEffect(() => {
    for (const t of currentToasts()) if (t.link?.href === pathname) dismissToast(t.id);
  }, [pathname]);

  useEffect(() => {
    const toaster = region.current;
    const linked = inTabOrder(shown);
    if (!toaster || !linked?.origin) return;
    const origin = linked.origin;
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "Tab" || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || !toaster) return;
      const own = toaster.querySelector(`[data-toast="${linked?.id}"]`);
      const inside = own ? tabbables(own) : [];
      const first = inside[0];
      const last = inside.at(-1);
      const active = document.activeElement;
      let to: HTMLElement | undefined;
      if (!event.shiftKey && active === origin) to = first;
      else if (!event.shiftKey && active === last) to = nextInPage(origin, toaster);
      else if (event.shiftKey && active === first) to = origin;
      else if (event.shiftKey && active !== null && active === nextInPage(origin, toaster)) to = last;
      if (!to) return;
      event.preventDefault();
      to.focus();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [shown]);

  function close(t: Toast) {
    const hadFocus = region.current?.querySelector(`[data-toast="${t.id}"]`)?.contains(document.activeElement) ?? false;
    dismissToast(t.id);
    if (!hadFocus) return;
    const back = t.origin?.isConnected ? t.origin : document.getElementById("main");
    back?.focus();
  }

  function onToastKeyDown(event: ReactKeyboardEvent, t: Toast) {
    if (event.key !== "Escape") return;
    event.preventDefault();
    close(t);
  }

  return (
    <div
      ref={region}
      role="status"
      aria-live="polite"
      className={`pointer-events-none fixed inset-x-3 z-50 flex flex-col items-end gap-2 sm:inset-x-auto sm:right-5 ${placements[placement]}`}
    >
      {shown.map((t) => (
        <div
          key={t.id}
          data-toast={t.id}
          onKeyDown={(event) => onToastKeyDown(event, t)}
          className={`pointer-events-auto flex max-w-sm items-start gap-3 rounded-lg border px-4 py-3 text-sm font-medium shadow-card-hover ${tones[t.tone]}`}
        >
          <p className="flex-1">
            {t.message}
            {t.link ? (
              <>
                {" "}
                <Link href={t.link.href} onClick={() => dismissToast(t.id)} className="font-semibold underline underline-offset-2">
                  {t.link.label}
                </Link>
              </>
            ) : null}
          </p>
          <button
            type="button"
            onClick={() => close(t)}
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
