import { formatPrice } from "@/components/price";

// An event's payload as an operator reads it: named fields, money as money, times as UTC; the raw JSON one click away.

type Field = { label: string; value: string };

/** "refundId" → "Refund id", "amountCents" → "Amount". */
function labelOf(key: string): string {
  const words = key
    .replace(/Cents$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isTimeKey = (key: string) => key === "at" || /(At|Due|Deadline)$/.test(key);

function valueOf(key: string, value: unknown, currency: string): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") {
    if (/Cents$/.test(key)) return formatPrice(value, currency);
    if (isTimeKey(key) && value > 1e11) return `${new Date(value).toISOString().replace("T", " ").slice(0, 19)} UTC`;
    return String(value);
  }
  if (typeof value === "string") {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(Date.parse(value)))
      return `${new Date(value).toISOString().replace("T", " ").slice(0, 19)} UTC`;
    if (key === "currency") return value.toUpperCase();
    return value.replace(/_/g, " ");
  }
  if (Array.isArray(value)) return value.map((item) => valueOf(key, item, currency)).join("; ") || "none";
  if (typeof value === "object")
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${labelOf(k).toLowerCase()} ${valueOf(k, v, currency)}`)
      .join(", ");
  return String(value);
}

/** The payload's fields in reading order (the event's own type, shown beside it, is left out). */
export function payloadFields(payload: Record<string, unknown>, currency: string): Field[] {
  return Object.entries(payload)
    .filter(([key]) => key !== "type")
    .map(([key, value]) => ({ label: labelOf(key), value: valueOf(key, value, currency) }));
}

export function EventPayload({ payload, currency }: { payload: Record<string, unknown>; currency: string }) {
  const fields = payloadFields(payload, currency);
  if (fields.length === 0) return null;
  return (
    <>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        {fields.map((field) => (
          <div key={field.label} className="contents">
            <dt className="font-semibold text-ink-soft">{field.label}</dt>
            <dd className="break-all text-ink">{field.value}</dd>
          </div>
        ))}
      </dl>
      <details className="mt-1">
        <summary className="cursor-pointer text-accent">Raw</summary>
        <pre className="mt-1 max-w-md overflow-x-auto rounded bg-paper-deep p-2 text-xs whitespace-pre-wrap">
          {JSON.stringify(payload, null, 2)}
        </pre>
      </details>
    </>
  );
}
