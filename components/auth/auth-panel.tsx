import type { ReactNode } from "react";
import { panelClass } from "@/components/ui-classes";

type AuthPanelProps = { title: string; intro?: ReactNode; children: ReactNode };

/** The narrow, centred card used by the sign-in, registration and sign-out pages. */
export function AuthPanel({ title, intro, children }: AuthPanelProps) {
  return (
    <div className="mx-auto w-full max-w-md">
      <h1 className="text-3xl font-bold tracking-tight">{title}</h1>
      {intro ? <div className="mt-2 text-ink-soft">{intro}</div> : null}
      <div className={`mt-6 ${panelClass}`}>{children}</div>
    </div>
  );
}
