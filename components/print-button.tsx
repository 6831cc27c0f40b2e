"use client";

import { secondaryButtonClass } from "@/components/ui-classes";

/** Opens the browser's print dialog (the page's print CSS hides the site around it). */
export function PrintButton({ label = "Print" }: { label?: string }) {
  return (
    <button type="button" onClick={() => window.print()} className={`${secondaryButtonClass} print:hidden`}>
      {label}
    </button>
  );
}
