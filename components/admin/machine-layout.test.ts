import { describe, expect, it } from "vitest";
import { machineEdges, machineStates } from "@/machines/order-diagram";
import { layoutMachine, type Box } from "./machine-layout";

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("the order machine drawing", () => {
  const layout = layoutMachine(machineStates(), machineEdges());

  it("draws every state of the definition once", () => {
    expect(layout.boxes.map((b) => b.id).sort()).toEqual(
      machineStates()
        .map((s) => s.id)
        .sort(),
    );
  });

  it("numbers every transition and shows each number exactly once, as an arrow or a badge", () => {
    expect(layout.edges.map((e) => e.number)).toEqual(machineEdges().map((_, i) => i + 1));
    const shown = [...layout.arrows.flatMap((a) => a.numbers), ...layout.badges.flatMap((b) => b.numbers)].sort((a, b) => a - b);
    expect(shown).toEqual(layout.edges.map((e) => e.number));
  });

  it("keeps states apart and children inside their group, all within the picture", () => {
    const leaves = layout.boxes.filter((b) => b.leaf);
    for (const [i, a] of leaves.entries()) for (const b of leaves.slice(i + 1)) expect(overlaps(a, b), `${a.id} / ${b.id}`).toBe(false);
    for (const state of machineStates().filter((s) => s.parent)) {
      const child = layout.boxes.find((b) => b.id === state.id)!;
      const parent = layout.boxes.find((b) => b.id === state.parent)!;
      expect(
        child.x >= parent.x &&
          child.x + child.width <= parent.x + parent.width &&
          child.y >= parent.y &&
          child.y + child.height <= parent.y + parent.height,
      ).toBe(true);
    }
    for (const b of layout.boxes) expect(b.x + b.width <= layout.width && b.y + b.height <= layout.height).toBe(true);
  });

  it("draws the payment arrow from the created group to paid", () => {
    const paid = layout.edges.find((e) => e.from === "created" && e.event === "PAYMENT_SUCCEEDED" && e.to === "settled.paid")!;
    expect(layout.arrows.some((a) => a.numbers.includes(paid.number))).toBe(true);
  });
});
