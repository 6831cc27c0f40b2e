/**
 * Every port a bench listens on is BENCH_PORT (default 3400) plus a fixed
 * offset below 100, so a bench run stays inside one range of ports (on a
 * shared machine: the range given to whoever runs it).
 */
export function benchPort(offset: number): number {
  const raw = process.env.BENCH_PORT ?? "3400";
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 1024 || base > 65_435) throw new Error(`BENCH_PORT must be a port from 1024 to 65435, got ${raw}`);
  return base + offset;
}
