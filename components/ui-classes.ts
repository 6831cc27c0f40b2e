// Shared class names for the shopper pages, matching the catalog's look.

export const panelClass = "rounded-lg border border-line bg-card p-5 shadow-card sm:p-6";

export const primaryButtonClass =
  "inline-flex items-center justify-center rounded-md bg-accent px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-accent-strong disabled:cursor-not-allowed disabled:bg-stone-300 disabled:text-stone-700 disabled:shadow-none aria-disabled:cursor-not-allowed aria-disabled:bg-stone-300 aria-disabled:text-stone-700 aria-disabled:shadow-none";

export const secondaryButtonClass =
  "inline-flex items-center justify-center rounded-md border border-field bg-white px-4 py-2 text-sm font-semibold text-ink hover:bg-paper-deep disabled:cursor-not-allowed disabled:text-stone-500 aria-disabled:cursor-not-allowed aria-disabled:text-stone-500";

export const textLinkClass = "font-semibold text-accent underline-offset-4 hover:underline";

export const inputClass =
  "w-full rounded-md border border-field bg-white px-3 py-2 text-ink placeholder:text-ink-soft aria-invalid:border-red-700";
