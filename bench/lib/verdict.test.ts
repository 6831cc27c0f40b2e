import { describe, expect, it } from "vitest";
import { benchVerdict } from "./verdict";

describe("npm run bench's exit code", () => {
  const ok = { bench: "timers", case: "1000 overdue orders", figures: { cancelled: 1000 }, target: "each exactly once", met: true };
  const baseline = { bench: "catalog", case: "no-op route", figures: { p50ms: 2 } };

  it("passes when every row with a target met it (rows without one are figures only)", () => {
    expect(benchVerdict([ok, baseline])).toEqual({ exitCode: 0, lines: ["bench ok: 2 rows, every target met"] });
  });

  it("fails on a missed target and on a bench that threw, and names them", () => {
    const missed = { bench: "checkout-contention", case: "round 1", figures: { orders: 51 }, target: "exactly 50 orders", met: false };
    const threw = { bench: "chaos", case: "error", figures: { error: "Error: port taken" }, met: false };
    expect(benchVerdict([ok, missed, threw])).toEqual({
      exitCode: 1,
      lines: [
        "bench FAILED: 2 of 3 rows",
        "  checkout-contention — round 1: target not met: exactly 50 orders",
        "  chaos — error: Error: port taken",
      ],
    });
  });

  it("fails when nothing ran", () => {
    expect(benchVerdict([]).exitCode).toBe(1);
  });
});
