"use client";

import { useState } from "react";

type Props = {
  label: string;
  pendingLabel: string;
  className: string;
  /** Button as wide as its label instead of the container. */
  inline?: boolean;
  /** Runs on click; resolves to an error message to show, or nothing when it succeeded (and navigated away). */
  action: () => Promise<string | undefined>;
};

/** A button that runs one action at a time and shows its error beneath it. */
export function ActionButton({ label, pendingLabel, className, inline = false, action }: Props) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState("");

  async function onClick() {
    if (pending) return;
    setPending(true);
    setError("");
    const problem = await action();
    if (problem) {
      setPending(false);
      setError(problem);
    }
  }

  return (
    <div className={`flex flex-col gap-3${inline ? " items-start" : ""}`}>
      <button type="button" onClick={onClick} disabled={pending} className={className}>
        {pending ? pendingLabel : label}
      </button>
      <p role="alert" className="min-h-6 text-sm font-medium text-red-800">
        {error}
      </p>
    </div>
  );
}
