import { AppError } from "@/lib/errors";

// Request body limits, in bytes. Every route that reads a body reads it
// through readBodyText; proxy.ts refuses a declared Content-Length over the
// route's limit before the route runs (bodyLimitFor).

/** JSON API bodies and the sign-in/sign-out forms. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;
/** Gateway events: Stripe's are a few KB; a checkout session with many line items stays far below this. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

/** Carrier tracking callbacks (lib/carrier/carrier.ts): each well under 1 kB. */
export const MAX_CARRIER_CALLBACK_BYTES = 8 * 1024;

/** The most a request to this path may send. */
export function bodyLimitFor(pathname: string): number {
  if (pathname === "/api/webhooks/carrier") return MAX_CARRIER_CALLBACK_BYTES;
  return pathname.startsWith("/api/webhooks/") ? MAX_WEBHOOK_BODY_BYTES : MAX_JSON_BODY_BYTES;
}

export function payloadTooLarge(limit: number): AppError {
  return new AppError("payload_too_large", `The request body must be at most ${limit} bytes`, { maxBytes: limit });
}

/** True when the request declares a body longer than `limit` (a malformed Content-Length is left to the reader). */
export function declaresMoreThan(headers: Headers, limit: number): boolean {
  const declared = headers.get("content-length")?.trim();
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit;
}

/**
 * The body as UTF-8 text, at most `limit` bytes: a Content-Length over the
 * limit is refused before anything is read, and a body without one is cut
 * off (the stream cancelled) as soon as it passes the limit. Never buffers
 * more than `limit` plus one chunk.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  if (declaresMoreThan(request.headers, limit)) throw payloadTooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  // Like Request.text(): UTF-8, a leading BOM dropped, invalid bytes replaced.
  return new TextDecoder().decode(Buffer.concat(chunks));
}
