import { createHmac } from "node:crypto";

// Stripe's scheme: v1 = hex HMAC-SHA256 of "<t>.<raw body>" keyed with the
// endpoint secret (the whole "whsec_…" string), header "t=<t>,v1=<sig>".

export function signatureHeader(body: string, secret: string, timestampSeconds: number): string {
  const signature = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest("hex");
  return `t=${timestampSeconds},v1=${signature}`;
}
