import { describe, expect, it } from "vitest";
import { areaOf, profiled, summarise } from "./cpu-profile";

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
