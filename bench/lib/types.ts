// One line of `npm run bench`'s table: what was measured, the figures, and the target it is held to.
export type BenchRow = {
  bench: string;
  case: string;
  figures: Record<string, string | number>;
  target?: string;
  met?: boolean;
};

export type BenchModule = { name: string; run: () => Promise<BenchRow[]> };
