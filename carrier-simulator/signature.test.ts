import { describe, expect, it } from "vitest";
import { signCarrierPayload, verifyCarrierSignature } from "./signature";

// The helper the app's callback endpoint uses: every way a forged, replayed or
// altered callback can look is refused, and only a fresh, exact one passes.

const secret = "csec_test_secret_for_signature_tests";
const body = JSON.stringify({ id: "cevt_1", tracking_number: "PL123", status: "delivered", sequence: 3 });
const now = 1_790_000_000;
const header = signCarrierPayload(body, secret, now);

describe("verifyCarrierSignature", () => {
  it("accepts the exact body, signed with the secret, within the tolerance (either side)", () => {
    expect(verifyCarrierSignature({ body, header, secret, nowSeconds: now })).toEqual({ ok: true, timestamp: now });
    expect(verifyCarrierSignature({ body, header, secret, nowSeconds: now + 300 }).ok).toBe(true);
    expect(verifyCarrierSignature({ body, header, secret, nowSeconds: now - 300 }).ok).toBe(true);
    expect(header).toMatch(/^t=1790000000,v1=[0-9a-f]{64}$/);
  });

  it("refuses a tampered body, even one changed character or re-serialized JSON", () => {
    expect(verifyCarrierSignature({ body: body.replace("delivered", "exception"), header, secret, nowSeconds: now })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(verifyCarrierSignature({ body: `${body} `, header, secret, nowSeconds: now })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(verifyCarrierSignature({ body: JSON.stringify(JSON.parse(body), null, 2), header, secret, nowSeconds: now }).ok).toBe(false);
  });

  it("refuses a wrong secret", () => {
    expect(verifyCarrierSignature({ body, header, secret: `${secret}x`, nowSeconds: now })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("refuses an old (replayed) or future timestamp, and a timestamp swapped into a valid signature", () => {
    expect(verifyCarrierSignature({ body, header, secret, nowSeconds: now + 301 })).toEqual({
      ok: false,
      reason: "timestamp_outside_tolerance",
    });
    expect(verifyCarrierSignature({ body, header, secret, nowSeconds: now - 301 })).toEqual({
      ok: false,
      reason: "timestamp_outside_tolerance",
    });
    expect(verifyCarrierSignature({ body, header, secret, nowSeconds: now + 3_600, toleranceSeconds: 7_200 }).ok).toBe(true);
    const v1 = header.split("v1=")[1]!;
    expect(verifyCarrierSignature({ body, header: `t=${now + 60},v1=${v1}`, secret, nowSeconds: now + 60 })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("refuses missing and malformed headers without throwing", () => {
    expect(verifyCarrierSignature({ body, header: undefined, secret, nowSeconds: now })).toEqual({ ok: false, reason: "missing_header" });
    expect(verifyCarrierSignature({ body, header: "", secret, nowSeconds: now })).toEqual({ ok: false, reason: "missing_header" });
    for (const bad of [
      "garbage",
      `t=${now}`,
      `v1=${"a".repeat(64)}`,
      `t=abc,v1=${"a".repeat(64)}`,
      `t=${now},v1=zz`,
      `t=${now},t=${now},v1=${"a".repeat(64)}`,
      "x".repeat(3_000),
    ]) {
      expect(verifyCarrierSignature({ body, header: bad, secret, nowSeconds: now }), bad.slice(0, 40)).toEqual({
        ok: false,
        reason: "malformed_header",
      });
    }
  });

  it("accepts any one matching v1 among several (secret rotation) and ignores other schemes", () => {
    const old = signCarrierPayload(body, "csec_old_secret_rotated_out", now).split(",")[1]!;
    const [t, v1] = header.split(",");
    expect(verifyCarrierSignature({ body, header: `${t},${old},${v1},v0=deadbeef`, secret, nowSeconds: now }).ok).toBe(true);
    expect(verifyCarrierSignature({ body, header: `${t},${old}`, secret, nowSeconds: now }).ok).toBe(false);
  });
});
