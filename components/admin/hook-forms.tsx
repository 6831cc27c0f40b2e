"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest, isRecord } from "@/components/api-client";
import { inputClass, primaryButtonClass, secondaryButtonClass } from "@/components/ui-classes";
import { ALL_EVENTS, hookEventTypes } from "@/lib/hooks/event-types";
import { hookEndpointInputSchema } from "@/lib/hooks/input";

type Status = { kind: "idle" | "pending" } | { kind: "done" | "error"; message: string };

/** Registers an endpoint; its signing secret is shown once, here, after it is created. */
export function HookEndpointForm() {
  const router = useRouter();
  const [all, setAll] = useState(true);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const description = String(form.get("description") ?? "").trim();
    const candidate = {
      url: String(form.get("url") ?? "").trim(),
      ...(description ? { description } : {}),
      eventTypes: all ? [ALL_EVENTS] : form.getAll("eventTypes").map(String),
    };
    const parsed = hookEndpointInputSchema.safeParse(candidate);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? "url"), issue.message])));
      setStatus({ kind: "error", message: "Check the fields marked below." });
      return;
    }
    setErrors({});
    setStatus({ kind: "pending" });
    const result = await apiRequest("/api/admin/hooks", { method: "POST", body: parsed.data });
    if (!result.ok) {
      setStatus({ kind: "error", message: `Not registered: ${result.message}` });
      return;
    }
    const data = result.data as { secret?: unknown };
    setSecret(isRecord(data) && typeof data.secret === "string" ? { url: parsed.data.url, secret: data.secret } : null);
    setStatus({ kind: "done", message: `Registered ${parsed.data.url}` });
    formElement.reset();
    setAll(true);
    router.refresh();
  }

  return (
    <>
      {secret ? (
        <div role="alert" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
          <p className="font-semibold">Signing secret for {secret.url}: copy it now, it is not shown again.</p>
          <p className="mt-2 font-mono break-all" data-testid="hook-secret">
            {secret.secret}
          </p>
          <p className="mt-2">
            The receiver checks each request&apos;s Paperleaf-Signature header with it (docs/API.md, “Outbound hooks”).
          </p>
        </div>
      ) : null}
      <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="New endpoint">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Endpoint URL
          <input
            name="url"
            type="url"
            maxLength={2048}
            required
            placeholder="https://erp.example.com/paperleaf"
            className={inputClass}
            autoComplete="off"
            aria-invalid={errors.url ? true : undefined}
          />
          {errors.url ? <span className="text-xs text-red-800">{errors.url}</span> : null}
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Note (optional)
          <input name="description" maxLength={200} className={inputClass} autoComplete="off" />
          {errors.description ? <span className="text-xs text-red-800">{errors.description}</span> : null}
        </label>
        <fieldset className="text-sm">
          <legend className="font-medium">Order events</legend>
          <label className="mt-1 flex items-center gap-2">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> All events, including ones added later
          </label>
          {all ? null : (
            <div className="mt-2 grid grid-cols-2 gap-1 sm:grid-cols-3">
              {hookEventTypes.map((type) => (
                <label key={type} className="flex items-center gap-2 font-mono text-xs">
                  <input type="checkbox" name="eventTypes" value={type} /> {type}
                </label>
              ))}
            </div>
          )}
          {errors.eventTypes ? <span className="text-xs text-red-800">{errors.eventTypes}</span> : null}
        </fieldset>
        <div className="flex items-center gap-3">
          <button type="submit" className={primaryButtonClass} disabled={status.kind === "pending"}>
            Register endpoint
          </button>
          <p role="status" aria-live="polite" className={`text-sm ${status.kind === "done" ? "text-emerald-800" : "text-red-800"}`}>
            {"message" in status ? status.message : ""}
          </p>
        </div>
      </form>
    </>
  );
}

/** A console action that POSTs to one hook route, then reloads the page's data. */
export function HookAction({ path, label, description }: { path: string; label: string; description: string }) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [pending, setPending] = useState(false);
  async function act() {
    setPending(true);
    const result = await apiRequest(path, { method: "POST" });
    setPending(false);
    setMessage(result.ok ? "" : result.message);
    if (result.ok) router.refresh();
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" onClick={act} disabled={pending} className={secondaryButtonClass} aria-label={description}>
        {label}
      </button>
      <span role="status" className="text-xs text-red-800">
        {message}
      </span>
    </span>
  );
}
