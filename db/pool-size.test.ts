import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createSql, defaultPoolMax } from "./index";

// The pool's size per process: DATABASE_POOL_MAX, or twice the cores, at most
// 10 (more connections than the cores can serve cost PostgreSQL CPU in
// contention: docs/BENCHMARKS.md, issue 22).

const saved = process.env.DATABASE_POOL_MAX;
afterEach(() => {
  if (saved === undefined) delete process.env.DATABASE_POOL_MAX;
  else process.env.DATABASE_POOL_MAX = saved;
  resetEnvCache();
});

const maxOf = (sql: ReturnType<typeof createSql>) => (sql as unknown as { options: { max: number } }).options.max;

describe("the database pool's size", () => {
  it("is twice the cores, at least 2 and at most 10", () => {
    expect([1, 2, 3, 4, 5, 16, 64].map((cores) => defaultPoolMax(cores))).toEqual([2, 4, 6, 8, 10, 10, 10]);
  });

  it("follows this machine's cores when DATABASE_POOL_MAX is unset, and DATABASE_POOL_MAX when it is set", async () => {
    delete process.env.DATABASE_POOL_MAX;
    resetEnvCache();
    const unset = createSql("postgres://postgres@127.0.0.1:5432/postgres");
    expect(maxOf(unset)).toBe(defaultPoolMax(availableParallelism()));
    process.env.DATABASE_POOL_MAX = "7";
    resetEnvCache();
    const set = createSql("postgres://postgres@127.0.0.1:5432/postgres");
    expect(maxOf(set)).toBe(7);
    await Promise.all([unset.end(), set.end()]);
  });

  it("refuses a DATABASE_POOL_MAX that is not a whole number from 1 to 100", () => {
    for (const bad of ["0", "101", "2.5", "many"]) {
      process.env.DATABASE_POOL_MAX = bad;
      resetEnvCache();
      expect(() => createSql("postgres://postgres@127.0.0.1:5432/postgres"), bad).toThrow();
    }
  });
});
