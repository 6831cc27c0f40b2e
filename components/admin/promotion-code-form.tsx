"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { apiRequest } from "@/components/api-client";
import { inputClass, primaryButtonClass } from "@/components/ui-classes";
import { promotionCodeInputSchema } from "@/lib/payments/promotion-code-input";

type Status = { kind: "idle" | "pending" } | { kind: "done" | "error"; message: string };

const optionalNumber = (value: string) => (value.trim() === "" ? undefined : Number(value));

/** Creates a promotion code at the gateway: percent or amount off, optional last day and redemption limit. */
export function PromotionCodeForm() {
  const router = useRouter();
  const [kind, setKind] = useState<"percent" | "amount">("percent");
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const value = (name: string) => String(form.get(name) ?? "");
    const amount = optionalNumber(value("amountOff"));
    const candidate = {
      code: value("code"),
      kind,
      ...(kind === "percent"
        ? { percentOff: optionalNumber(value("percentOff")) }
        : { amountOffCents: amount === undefined ? undefined : Math.round(amount * 100) }),
      ...(value("expiresOn") ? { expiresOn: value("expiresOn") } : {}),
      ...(value("maxRedemptions") ? { maxRedemptions: optionalNumber(value("maxRedemptions")) } : {}),
    };
    const parsed = promotionCodeInputSchema.safeParse(candidate);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? "code"), issue.message])));
      setStatus({ kind: "error", message: "Check the fields marked below." });
      return;
    }
    setErrors({});
    setStatus({ kind: "pending" });
    const result = await apiRequest("/api/admin/promotion-codes", { method: "POST", body: parsed.data });
    if (!result.ok) {
      setStatus({ kind: "error", message: `Not created: ${result.message}` });
      return;
    }
    setStatus({ kind: "done", message: `Created ${parsed.data.code}` });
    formElement.reset();
    router.refresh();
  }

  const field = (name: string, label: string, input: ReactNode) => (
    <label className="flex flex-col gap-1 text-sm font-medium">
      {label}
      {input}
      {errors[name] ? <span className="text-xs text-red-800">{errors[name]}</span> : null}
    </label>
  );

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-2" aria-label="New promotion code">
      {field(
        "code",
        "Code",
        <input
          name="code"
          maxLength={32}
          required
          className={inputClass}
          autoComplete="off"
          aria-invalid={errors.code ? true : undefined}
        />,
      )}
      <fieldset className="flex flex-col gap-1 text-sm">
        <legend className="font-medium">Discount</legend>
        <span className="flex gap-4">
          <label className="flex items-center gap-1">
            <input type="radio" name="kind" value="percent" checked={kind === "percent"} onChange={() => setKind("percent")} /> Percent off
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" name="kind" value="amount" checked={kind === "amount"} onChange={() => setKind("amount")} /> Amount off
          </label>
        </span>
      </fieldset>
      {kind === "percent"
        ? field(
            "percentOff",
            "Percent off (1–100)",
            <input
              name="percentOff"
              type="number"
              min={1}
              max={100}
              step={1}
              required
              className={inputClass}
              aria-invalid={errors.percentOff ? true : undefined}
            />,
          )
        : field(
            "amountOffCents",
            "Amount off (USD)",
            <input
              name="amountOff"
              type="number"
              min={0.01}
              step={0.01}
              required
              className={inputClass}
              aria-invalid={errors.amountOffCents ? true : undefined}
            />,
          )}
      {field(
        "expiresOn",
        "Last day (optional)",
        <input name="expiresOn" type="date" className={inputClass} aria-invalid={errors.expiresOn ? true : undefined} />,
      )}
      {field(
        "maxRedemptions",
        "Redemption limit (optional)",
        <input
          name="maxRedemptions"
          type="number"
          min={1}
          step={1}
          className={inputClass}
          aria-invalid={errors.maxRedemptions ? true : undefined}
        />,
      )}
      <div className="flex items-center gap-3 sm:col-span-2">
        <button type="submit" className={primaryButtonClass} disabled={status.kind === "pending"}>
          Create code
        </button>
        <p role="status" aria-live="polite" className={`text-sm ${status.kind === "done" ? "text-emerald-800" : "text-red-800"}`}>
          {"message" in status ? status.message : ""}
        </p>
      </div>
    </form>
  );
}

/** Deactivates one code (for good: the gateway never reactivates a code's use). */
export function DeactivatePromotionCode({ id, code }: { id: string; code: string }) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [pending, setPending] = useState(false);
  async function deactivate() {
    setPending(true);
    const result = await apiRequest(`/api/admin/promotion-codes/${id}/deactivate`, { method: "POST" });
    setPending(false);
    if (!result.ok) {
      setMessage(result.message);
      return;
    }
    router.refresh();
  }
  return (
    <span className="flex items-center gap-2">
      <button
        type="button"
        onClick={deactivate}
        disabled={pending}
        className="text-sm font-semibold text-red-800 underline-offset-4 hover:underline"
        aria-label={`Deactivate ${code}`}
      >
        Deactivate
      </button>
      <span role="status" className="text-xs text-red-800">
        {message}
      </span>
    </span>
  );
}
