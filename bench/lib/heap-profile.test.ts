import { describe, expect, it } from "vitest";
import { allocationsOf, summariseAllocations } from "./heap-profile";

describe("allocation sampling", () => {
  it("adds self bytes by function and by area", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 4 });
    const summary = summariseAllocations(
      {
        head: {
          id: 1,
          selfSize: 0,
          callFrame: frame("(root)", ""),
          children: [
            { id: 2, selfSize: 300, callFrame: frame("build", "file:///app/node_modules/postgres/src/connection.js"), children: [] },
            {
              id: 3,
              selfSize: 100,
              callFrame: frame("applyEvent", "file:///app/lib/orders/dispatch.ts"),
              children: [
                { id: 4, selfSize: 200, callFrame: frame("build", "file:///app/node_modules/postgres/src/connection.js"), children: [] },
              ],
            },
          ],
        },
      },
      10,
      "/app",
    );
    expect(summary.totalBytes).toBe(600);
    expect(summary.topFrames).toEqual([
      { bytes: 500, frame: "build postgres/src/connection.js:5" },
      { bytes: 100, frame: "applyEvent lib/orders/dispatch.ts:5" },
    ]);
    expect(summary.byArea).toEqual([
      { bytes: 500, area: "postgres" },
      { bytes: 100, area: "lib/" },
    ]);
  });

  it("counts what the collector already reclaimed: garbage made in a loop shows up by the function that made it", async () => {
    function makesGarbage(): number {
      let kept = 0;
      for (let i = 0; i < 20_000; i++) kept += new Array(64).fill(i).length; // ~10 MB, all garbage at once
      return kept;
    }
    const { result, profile } = await allocationsOf(async () => makesGarbage(), 1024);
    expect(result).toBe(20_000 * 64);
    const summary = summariseAllocations(profile);
    const mine = summary.topFrames.find((f) => f.frame.startsWith("makesGarbage "));
    // Sampled, so not exact: most of the ~10 MB, which no longer exists when the profile is taken.
    expect(mine?.bytes).toBeGreaterThan(5_000_000);
    expect(summary.topFrames[0]!.frame).toMatch(/^makesGarbage /);
  });
});
