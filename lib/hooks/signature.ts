import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Outbound hook signatures, in the style of Stripe's: the header
 * `Paperleaf-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * with the endpoint's secret. Receivers recompute it over the raw body, accept
 * any matching v1 and refuse an old `t` (docs/API.md, "Outbound hooks").
 */
export const SIGNATURE_HEADER = "Paperleaf-Signature";
/** A receiver's default tolerance for the timestamp, as Stripe's libraries use. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function newHookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** One v1 per secret (two while a rolled secret's predecessor is in its grace period, as Stripe does). */
export function signatureHeader(secret: string | string[], body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const secrets = typeof secret === "string" ? [secret] : secret;
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signatureOf(s, timestamp, body)}`)].join(",");
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: "malformed" | "old_timestamp" | "mismatch" };

/** What a receiver does: parse the header, check the timestamp's age, compare in constant time. */
export function verifySignature(
  secret: string,
  header: string | null,
  body: string,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now() } = {},
): VerifyResult {
  if (!header) return { ok: false, reason: "malformed" };
  const parts = header.split(",").map((part) => part.split("=", 2) as [string, string | undefined]);
  const t = Number(parts.find(([key]) => key === "t")?.[1]);
  const candidates = parts.filter(([key, value]) => key === "v1" && value).map(([, value]) => value!);
  if (!Number.isInteger(t) || candidates.length === 0) return { ok: false, reason: "malformed" };
  if (Math.abs(now / 1000 - t) > toleranceSeconds) return { ok: false, reason: "old_timestamp" };
  const expected = Buffer.from(signatureOf(secret, t, body), "hex");
  const matches = candidates.some((candidate) => {
    const given = Buffer.from(candidate, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, timestamp: t } : { ok: false, reason: "mismatch" };
}
