import { panelClass } from "@/components/ui-classes";
import type { JobRun, OrderJob } from "@/lib/admin/order-overview";

const when = (iso: string) => `${iso.replace("T", " ").slice(0, 19)} UTC`;

/** The order's jobs: what is queued or retrying now, and every attempt that ran. */
export function OrderJobs({ queued, runs }: { queued: OrderJob[]; runs: JobRun[] }) {
  return (
    <section aria-labelledby="jobs-heading" className={panelClass}>
      <h2 id="jobs-heading" className="font-serif text-xl font-bold">
        Jobs
      </h2>
      <h3 className="mt-3 text-sm font-semibold text-ink-soft">Queued or retrying ({queued.length})</h3>
      {queued.length === 0 ? (
        <p className="mt-1 text-sm text-ink-soft">None.</p>
      ) : (
        <ul className="mt-1 space-y-1 text-sm">
          {queued.map((j) => (
            <li key={`${j.task}-${j.key}-${j.runAt}`}>
              <code>{j.task}</code> · attempts {j.attempts}/{j.maxAttempts} · {j.locked ? "running now" : `next run ${when(j.runAt)}`}
              {j.lastError ? <span className="block text-red-800">last error: {j.lastError.slice(0, 200)}</span> : null}
            </li>
          ))}
        </ul>
      )}
      <h3 className="mt-4 text-sm font-semibold text-ink-soft">Attempts ({runs.length})</h3>
      {runs.length === 0 ? (
        <p className="mt-1 text-sm text-ink-soft">No job has run for this order yet.</p>
      ) : (
        <ul className="mt-1 space-y-1 text-sm">
          {runs.map((r) => (
            <li key={`${r.jobId}-${r.attempt}`}>
              <code>{r.task}</code> · attempt {r.attempt}/{r.maxAttempts} ·{" "}
              <span className={r.outcome === "failed" ? "font-semibold text-red-800" : "text-emerald-800"}>{r.outcome}</span> ·{" "}
              {r.durationMs} ms · <span className="text-ink-soft">{when(r.startedAt)}</span>
              {r.error ? <span className="block text-red-800">{r.error.slice(0, 200)}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
