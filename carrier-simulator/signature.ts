import { createHmac, timingSafeEqual } from "node:crypto";

// The carrier's callback signature, the same scheme as Stripe's webhooks:
// header `Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
// keyed with the shared secret. Several v1 entries may appear (a secret being
// rotated); one match is enough. Pure functions: the caller passes the clock,
// so the app's handler and its tests decide what "now" is.

export const CARRIER_SIGNATURE_HEADER = "carrier-signature";
/** How old (or how far in the future) a signature may be, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmac(body: string, secret: string, timestampSeconds: number): string {
  return createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest("hex");
}

/** The header value for `body` signed at `timestampSeconds`. */
export function signCarrierPayload(body: string, secret: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmac(body, secret, timestampSeconds)}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: "missing_header" | "malformed_header" | "timestamp_outside_tolerance" | "signature_mismatch" };

export type VerifyInput = {
  /** The raw request body, exactly as received (not re-serialized JSON). */
  body: string;
  /** The Carrier-Signature header (null or undefined when absent). */
  header: string | null | undefined;
  secret: string;
  /** The receiver's clock, in Unix seconds. */
  nowSeconds: number;
  toleranceSeconds?: number;
};

function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (!/^\d{1,12}$/.test(value) || timestamp !== null) return null;
      timestamp = Number(value);
    } else if (key === "v1") {
      if (!/^[0-9a-f]{64}$/.test(value)) return null;
      signatures.push(value);
    }
    // Other schemes (v0, future versions) are ignored, as Stripe's libraries do.
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/** Checks a callback's signature and freshness. Constant-time comparison; never throws. */
export function verifyCarrierSignature(input: VerifyInput): SignatureCheck {
  const { body, header, secret, nowSeconds, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = input;
  if (!header) return { ok: false, reason: "missing_header" };
  if (header.length > 2_000) return { ok: false, reason: "malformed_header" };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: "malformed_header" };
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return { ok: false, reason: "timestamp_outside_tolerance" };
  const expected = Buffer.from(hmac(body, secret, parsed.timestamp), "hex");
  const matches = parsed.signatures.some((signature) => timingSafeEqual(Buffer.from(signature, "hex"), expected));
  return matches ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: "signature_mismatch" };
}
