import { afterEach, describe, expect, it } from "vitest";
import { benchAppUrl } from "./stack";

describe("benchAppUrl: how the bench's app reaches its database", () => {
  const saved = process.env.BENCH_PG_SOCKET;
  afterEach(() => {
    if (saved === undefined) delete process.env.BENCH_PG_SOCKET;
    else process.env.BENCH_PG_SOCKET = saved;
  });
  const url = "postgres://postgres@127.0.0.1:5432/bookstore_bench_1";

  it("BENCH_PG_SOCKET=off keeps TCP", () => {
    process.env.BENCH_PG_SOCKET = "off";
    expect(benchAppUrl(url)).toBe(url);
  });

  it("BENCH_PG_SOCKET=/dir names the socket's directory, libpq's way", () => {
    process.env.BENCH_PG_SOCKET = "/tmp/pg";
    expect(benchAppUrl(url)).toBe(`${url}?host=%2Ftmp%2Fpg`);
  });

  it("by default keeps TCP for a database on another host", () => {
    delete process.env.BENCH_PG_SOCKET;
    expect(benchAppUrl("postgres://postgres@db.internal:5432/shop")).toBe("postgres://postgres@db.internal:5432/shop");
  });
});
