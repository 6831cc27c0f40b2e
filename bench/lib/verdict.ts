import type { BenchRow } from "./types";

/**
 * The gate of `npm run bench`: a bench that threw (its "error" row) or a row
 * whose target was not met fails the run. Returns the exit code and the lines
 * that say which.
 */
export function benchVerdict(rows: BenchRow[]): { exitCode: 0 | 1; lines: string[] } {
  if (rows.length === 0) return { exitCode: 1, lines: ["bench FAILED: no bench ran"] };
  const failures = rows.filter((r) => r.case === "error" || r.met === false);
  if (failures.length === 0) return { exitCode: 0, lines: [`bench ok: ${rows.length} rows, every target met`] };
  return {
    exitCode: 1,
    lines: [
      `bench FAILED: ${failures.length} of ${rows.length} rows`,
      ...failures.map(
        (r) =>
          `  ${r.bench} — ${r.case}: ${r.case === "error" ? String(r.figures.error) : `target not met: ${r.target ?? "(none stated)"}`}`,
      ),
    ],
  };
}
