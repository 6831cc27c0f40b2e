// A tiny toast queue shared by the whole page: any client component calls
// `toast(...)`, the one <Toaster /> in the root layout shows it.

export type Toast = {
  id: number;
  message: string;
  tone: "success" | "error" | "info";
  link?: { href: string; label: string };
  /** The element that raised it: Tab from it reaches the toast, and focus goes back to it when the toast is dismissed. */
  origin: HTMLElement | null;
  /** Where the toasts appear: at the top when the bottom of the screen holds what raised it (its form). */
  placement: "top" | "bottom";
};

const DISMISS_AFTER_MS = 5000;
const MAX_SHOWN = 3;
/** The strip at the bottom of the screen toasts take (a toast with a link on a phone is about 100 px tall). */
const TOAST_ZONE_PX = 160;

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(next: readonly Toast[]) {
  toasts = next;
  for (const listener of listeners) listener();
}

export function subscribeToasts(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const currentToasts = () => toasts;
export const noToasts = (): readonly Toast[] => [];

export function dismissToast(id: number): void {
  emit(toasts.filter((t) => t.id !== id));
}

/** Toasts sit at the bottom, unless what raised them (its form: a quantity box beside a button) is in that strip. */
function placementFor(origin: HTMLElement | null): Toast["placement"] {
  const area = origin?.closest("form") ?? origin;
  if (!area) return "bottom";
  return area.getBoundingClientRect().bottom > window.innerHeight - TOAST_ZONE_PX ? "top" : "bottom";
}

type ToastOptions = { tone?: Toast["tone"]; link?: Toast["link"]; origin?: HTMLElement | null };

/**
 * Shows a toast. One with a link stays until it is dismissed (a link that vanishes while the shopper
 * reaches for it is no link); one without goes after DISMISS_AFTER_MS. A new toast with the same
 * link replaces the old one.
 */
export function toast(message: string, options: ToastOptions = {}): void {
  const id = nextId++;
  const active = document.activeElement;
  const origin = options.origin ?? (active instanceof HTMLElement && active !== document.body ? active : null);
  const { link } = options;
  const kept = link ? toasts.filter((t) => t.link?.href !== link.href) : toasts;
  emit([...kept, { id, message, tone: options.tone ?? "success", link, origin, placement: placementFor(origin) }].slice(-MAX_SHOWN));
  if (!link) setTimeout(() => dismissToast(id), DISMISS_AFTER_MS);
}
