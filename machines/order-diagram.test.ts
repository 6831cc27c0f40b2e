import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { machineEdges, orderMachineMermaid } from "./order-diagram";

describe("the generated machine diagram", () => {
  it("has every arrow of the machine", () => {
    const edges = machineEdges().map((e) => `${e.from} ${e.event} ${e.to}`);
    expect(edges).toContain("new CHECKOUT created");
    expect(edges).toContain("created PAYMENT_SUCCEEDED settled.paid");
    expect(edges).toContain("settled.refund_pending REFUND_SUCCEEDED settled.refunded");
  });

  it("is current in docs/ARCHITECTURE.md (run npm run docs:machine)", () => {
    expect(readFileSync("docs/ARCHITECTURE.md", "utf8")).toContain(orderMachineMermaid());
  });
});
