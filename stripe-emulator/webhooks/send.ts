import { signatureHeader } from "./signature";

// One HTTP delivery of one event. Receivers check the signature timestamp
// against their own clock, so it is always real time, never the emulated clock.

const TIMEOUT_MS = 10_000;

export type SendResult = { status: number | null; error: string | null; durationMs: number };

export async function sendEvent(url: string, body: string, secret: string, shutdown: AbortSignal): Promise<SendResult> {
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "stripe-signature": signatureHeader(body, secret, Math.floor(Date.now() / 1000)),
        "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        accept: "*/*; q=0.5, application/xml",
      },
      body,
      signal: AbortSignal.any([shutdown, AbortSignal.timeout(TIMEOUT_MS)]),
      redirect: "manual",
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, error: null, durationMs: Date.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return { status: null, error: message, durationMs: Date.now() - started };
  }
}
