import { describe, expect, it } from "vitest";
import { payloadFields } from "./event-payload";

describe("payloadFields", () => {
  it("names each field in words: money as money, times in UTC, codes without underscores, nested values inline", () => {
    expect(
      payloadFields(
        {
          type: "REQUEST_REFUND",
          refundId: "r-1",
          amountCents: 2751,
          currency: "usd",
          reason: "requested_by_customer",
          paymentDeadline: "2026-11-29T10:31:48.879Z",
          at: Date.UTC(2026, 10, 29, 10, 1, 49),
          isPartial: false,
          promotionCode: null,
          lines: [
            { bookId: 12, quantity: 2 },
            { bookId: 13, quantity: 1 },
          ],
        },
        "usd",
      ),
    ).toEqual([
      { label: "Refund id", value: "r-1" },
      { label: "Amount", value: "$27.51" },
      { label: "Currency", value: "USD" },
      { label: "Reason", value: "requested by customer" },
      { label: "Payment deadline", value: "2026-11-29 10:31:48 UTC" },
      { label: "At", value: "2026-11-29 10:01:49 UTC" },
      { label: "Is partial", value: "no" },
      { label: "Promotion code", value: "none" },
      { label: "Lines", value: "book id 12, quantity 2; book id 13, quantity 1" },
    ]);
    expect(payloadFields({}, "usd")).toEqual([]);
  });
});
