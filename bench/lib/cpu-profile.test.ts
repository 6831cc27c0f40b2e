import { describe, expect, it } from "vitest";
import { areaOf, profiled, summarise, withinWindows } from "./cpu-profile";

describe("summarise", () => {
  it("adds each sample's time to its node and groups by function and by package", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const summary = summarise(
      {
        nodes: [
          { id: 1, callFrame: frame("(idle)", "") },
          { id: 2, callFrame: frame("Query", "file:///app/node_modules/postgres/src/query.js") },
          { id: 3, callFrame: frame("applyEvent", "file:///app/lib/orders/dispatch.ts") },
        ],
        startTime: 0,
        endTime: 1000,
        // The time of sample i is the delta before sample i + 1.
        samples: [2, 2, 3, 1, 2],
        timeDeltas: [0, 1000, 1000, 2000, 4000],
      },
      15,
      "/app",
    );
    expect(summary.totalMs).toBe(8);
    expect(summary.byArea).toEqual([
      { share: 50, ms: 4, area: "(idle)" },
      { share: 25, ms: 2, area: "postgres" },
      { share: 25, ms: 2, area: "lib/" },
    ]);
    expect(summary.topFrames[1]).toEqual({ share: 25, ms: 2, frame: "Query postgres/src/query.js:10" });
  });

  it("keeps only the samples inside the windows, each with its own time", () => {
    const frame = (functionName: string) => ({ functionName, url: "file:///app/lib/x.ts", lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("noop") },
        { id: 2, callFrame: frame("webhook") },
      ],
      startTime: 10_000,
      endTime: 20_000,
      // Samples at 10 000, 11 000, 13 000, 14 000, 18 000 µs; each lasts until the next.
      samples: [1, 2, 2, 1, 1],
      timeDeltas: [0, 1000, 2000, 1000, 4000],
    };
    const phase = withinWindows(profile, [{ fromUs: 11_000, toUs: 14_000 }]);
    expect(phase.samples).toEqual([2, 2]);
    const summary = summarise(phase, 15, "/app");
    expect(summary.totalMs).toBe(3); // 11 000 → 13 000 → 14 000
    expect(summary.topFrames).toEqual([{ share: 100, ms: 3, frame: "webhook lib/x.ts:1" }]);
    expect(withinWindows(profile, []).samples).toEqual([]);
  });

  it("names the area of node internals, native frames and our folders", () => {
    expect(areaOf("node:internal/streams", "x")).toBe("node internals");
    expect(areaOf("", "(garbage collector)")).toBe("(garbage collector)");
    expect(areaOf("", "writeBuffer")).toBe("(native)");
    expect(areaOf("file:///w/node_modules/@xstate/react/dist/x.js", "f")).toBe("@xstate/react");
    expect(areaOf("file:///w/machines/order-machine.ts", "f", "/w")).toBe("machines/");
    expect(areaOf("file:///app/lib/x.ts", "f", "/app")).toBe("lib/");
  });

  it("profiles real work: a busy loop shows up as this file's frames", async () => {
    const { summary, result } = await profiled(async () => {
      let x = 0;
      const until = performance.now() + 50;
      while (performance.now() < until) x += Math.sqrt(x + 1);
      return x;
    });
    expect(result).toBeGreaterThan(0);
    expect(summary.totalMs).toBeGreaterThan(20);
    expect(summary.byArea.some((a) => a.area === "bench/")).toBe(true);
  });
});
