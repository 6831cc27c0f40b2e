// A tiny toast queue shared by the whole page: any client component calls
// `toast(...)`, the one <Toaster /> in the root layout shows it.

export type Toast = { id: number; message: string; tone: "success" | "error" | "info"; link?: { href: string; label: string } };

const DISMISS_AFTER_MS = 5000;
const MAX_SHOWN = 3;

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

export function toast(message: string, options: Omit<Toast, "id" | "message" | "tone"> & { tone?: Toast["tone"] } = {}): void {
  const id = nextId++;
  emit([...toasts, { id, message, tone: options.tone ?? "success", link: options.link }].slice(-MAX_SHOWN));
  setTimeout(() => dismissToast(id), DISMISS_AFTER_MS);
}
