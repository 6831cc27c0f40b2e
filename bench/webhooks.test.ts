import { describe, expect, it } from "vitest";
import { ratioCeiling, weightedReplay } from "./webhooks";

describe("the webhooks bench's ratio ceiling", () => {
  const reading = (server: number, pgBackends: number, bench: number) => ({ server, pgBackends, bench, pgAll: pgBackends });

  it("is the no-op's CPU over a webhook that costs the server only the no-op's pipeline and the driver's replay", () => {
    // Session 32's figures at concurrency 32: no-op 1.20 + 0.35 ms; webhook PostgreSQL 1.04, load generator 0.62; replay 0.70 / 1.30.
    const ceiling = ratioCeiling({ noop: reading(1.2, 0, 0.35), hook: reading(3.31, 1.04, 0.62) }, { nodeMs: 0.7, pgMs: 1.3 });
    expect(ceiling).toBeCloseTo(1.55 / (1.2 + 0.7 + 1.04 + 0.62), 6);
  });

  it("takes the lower PostgreSQL figure of the case and the replay, so it never understates the best ratio", () => {
    const cpu = { noop: reading(2, 0, 0.5), hook: reading(5, 2, 1) };
    expect(ratioCeiling(cpu, { nodeMs: 1, pgMs: 1.5 })).toBeCloseTo(2.5 / (2 + 1 + 1.5 + 1), 6);
    expect(ratioCeiling(cpu, { nodeMs: 1, pgMs: 2.5 })).toBeCloseTo(2.5 / (2 + 1 + 2 + 1), 6);
  });

  it("charges each request the replay of what it sends: first deliveries and redeliveries as the case mixes them", () => {
    expect(weightedReplay({ nodeMs: 1, pgMs: 1.5 }, { nodeMs: 0.4, pgMs: 0.3 }, 400, 120)).toEqual({
      nodeMs: (400 * 1 + 120 * 0.4) / 520,
      pgMs: (400 * 1.5 + 120 * 0.3) / 520,
    });
  });
});
