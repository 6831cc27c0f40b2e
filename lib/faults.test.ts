import { afterEach, describe, expect, it } from "vitest";
import { armFault, disarmFaults, faultPoint, InjectedFault } from "./faults";
import { withContext } from "./observability/context";

afterEach(() => disarmFaults());

describe("fault points", () => {
  it("fire the number of times they were armed", () => {
    armFault("test:point", { times: 1 });
    expect(() => faultPoint("test:point")).toThrow(InjectedFault);
    expect(() => faultPoint("test:point")).not.toThrow();
  });

  it("armed for one order, fire only in that order's work", () => {
    armFault("test:point", { times: 1, orderId: "order-a" });
    expect(() => faultPoint("test:point")).not.toThrow();
    expect(() => withContext({ orderId: "order-b" }, () => faultPoint("test:point"))).not.toThrow();
    expect(() => withContext({ orderId: "order-a" }, () => faultPoint("test:point"))).toThrow(/injected fault at test:point/);
    expect(() => withContext({ orderId: "order-a" }, () => faultPoint("test:point"))).not.toThrow(); // used up
  });
});
