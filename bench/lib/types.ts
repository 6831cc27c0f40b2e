// One line of `npm run bench`'s table: what was measured, the figures, and the target it is held to.
export type BenchRow = {
  bench: string;
  case: string;
  figures: Record<string, string | number>;
  target?: string;
  met?: boolean;
};

/**
 * "full": the sizes `npm run bench` measures (figures in docs/BENCHMARKS.md).
 * "smoke": the small configuration CI runs in a few minutes (`npm run bench -- --smoke`):
 * the same claims, checked the same way, on fewer orders and rounds.
 */
export type BenchSize = "full" | "smoke";

export type BenchModule = { name: string; run: (size: BenchSize) => Promise<BenchRow[]> };
