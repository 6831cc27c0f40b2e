import type { ReactNode } from "react";

type ShortageNoteProps = { label: string; children?: ReactNode };

/** "Only N left" / "Out of stock" next to a cart or checkout line, as text with a warning icon. */
export function ShortageNote({ label, children }: ShortageNoteProps) {
  const out = label === "Out of stock";
  return (
    <div
      className={`flex flex-wrap items-center gap-x-3 gap-y-2 rounded-md px-3 py-2 text-sm font-semibold ring-1 ring-inset ${
        out ? "bg-red-50 text-red-800 ring-red-700/25" : "bg-amber-50 text-amber-900 ring-amber-700/30"
      }`}
    >
      <span className="inline-flex items-center gap-1.5">
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4 shrink-0 fill-current">
          <path d="M10 2 1 18h18L10 2Zm-1 6h2v5H9V8Zm0 6h2v2H9v-2Z" />
        </svg>
        {label}
      </span>
      {children}
    </div>
  );
}
