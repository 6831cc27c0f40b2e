import { afterEach, describe, expect, it, vi } from "vitest";
import { awayFromUtcMidnight } from "./utc-day";

afterEach(() => {
  vi.useRealTimers();
});

describe("awayFromUtcMidnight", () => {
  it("waits until just past midnight UTC when it is closer than the margin", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-30T23:59:50.000Z") });
    let done = false;
    const waiting = awayFromUtcMidnight(20_000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await waiting;
    expect(new Date().toISOString()).toBe("2026-12-01T00:00:01.000Z");
  });

  it("returns at once further from midnight", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-30T23:59:30.000Z") });
    await awayFromUtcMidnight(20_000);
    expect(new Date().toISOString()).toBe("2026-11-30T23:59:30.000Z");
  });
});
