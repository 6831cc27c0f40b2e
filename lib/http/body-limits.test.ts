// Issue #14 finding 6 (and #15): bad input must end in a clear 4xx, never a 500 or unbounded memory.
// Bodies are measured in bytes, a declared Content-Length over the limit is refused before a byte
// is read, a body without one is cut off as soon as it passes the limit, and JSON nesting is
// checked without recursion. The routes are called directly with real Requests.
import { describe, expect, it } from "vitest";
import { errorStatus } from "@/lib/errors";
import { signedRequest } from "@/test/webhooks";
import { POST as registerRoute } from "@/app/api/register/route";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { MAX_JSON_BODY_BYTES, MAX_WEBHOOK_BODY_BYTES } from "./body";

/** A body stream that hands out `chunk` `total` times (far past any limit), counting how often it was pulled. */
function longBody(chunk: Uint8Array, total: number) {
  const counter = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulls++;
      if (counter.pulls > total) controller.close();
      else controller.enqueue(chunk);
    },
    cancel() {
      counter.cancelled = true;
    },
  });
  return { stream, counter };
}

/** A body stream that never sends anything: reading it would hang. */
const silentBody = () => new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });

function post(path: string, body: BodyInit | ReadableStream<Uint8Array>, headers: Record<string, string>): Request {
  return new Request(`http://localhost${path}`, { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: keyof typeof errorStatus; message: string } };
  expect(errorStatus[body.error.code]).toBe(response.status);
  return body.error;
}

describe("JSON bodies (lib/http/read-json.ts)", () => {
  it("~5,000 nested arrays are a 400, not a stack overflow (500)", async () => {
    const body = `{"email":"deep@example.com","password":"long enough","name":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const response = await registerRoute(post("/api/register", body, { "content-type": "application/json" }), undefined);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_request", message: expect.stringMatching(/nested/i) });
  });

  it("nesting up to the limit is still read (and judged by the schema)", async () => {
    const body = `{"email":"ok@example.com","password":"long enough","name":${"[".repeat(30)}${"]".repeat(30)}}`;
    const response = await registerRoute(post("/api/register", body, { "content-type": "application/json" }), undefined);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/name/);
  });

  it("the limit counts bytes, not characters: 9,000 × 'é' (18,000 bytes) is a 413", async () => {
    const body = JSON.stringify({ email: "e@example.com", password: "long enough", name: "é".repeat(9000) });
    expect(body.length).toBeLessThan(MAX_JSON_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_JSON_BODY_BYTES);
    const response = await registerRoute(post("/api/register", body, { "content-type": "application/json" }), undefined);
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
  });

  it("a Content-Length over the limit is a 413 before the body is read", async () => {
    const headers = { "content-type": "application/json", "content-length": String(10 * 1024 * 1024) };
    const response = await registerRoute(post("/api/register", silentBody(), headers), undefined);
    expect(response.status).toBe(413);
  }, 5_000);

  it("a body without Content-Length is cut off just past the limit (413), not read to the end", async () => {
    const { stream, counter } = longBody(new Uint8Array(1024).fill(0x20), 4096);
    const response = await registerRoute(post("/api/register", stream, { "content-type": "application/json" }), undefined);
    expect(response.status).toBe(413);
    expect(counter.pulls).toBeLessThanOrEqual(MAX_JSON_BODY_BYTES / 1024 + 3);
  }, 5_000);

  it("a wrong content type is exactly a 415", async () => {
    const response = await registerRoute(post("/api/register", "{}", { "content-type": "text/plain" }), undefined);
    expect(response.status).toBe(415);
  });
});

describe("webhook bodies (app/api/webhooks/stripe)", () => {
  it("a correctly signed body over the webhook limit is a 413", async () => {
    const payload = JSON.stringify({
      id: "evt_big",
      object: "event",
      type: "checkout.session.completed",
      data: { object: { padding: "x".repeat(MAX_WEBHOOK_BODY_BYTES) } },
    });
    const response = await webhookRoute(signedRequest(payload));
    expect(response.status).toBe(413);
  });

  it("a Content-Length over the limit is a 413 before the body is read", async () => {
    const request = post("/api/webhooks/stripe", silentBody(), {
      "content-type": "application/json",
      "content-length": String(50 * 1024 * 1024),
      "stripe-signature": "t=1,v1=00",
    });
    expect((await webhookRoute(request)).status).toBe(413);
  }, 5_000);

  it("a streamed body without Content-Length is cut off just past the limit", async () => {
    const { stream, counter } = longBody(new Uint8Array(16 * 1024).fill(0x20), 1024);
    const request = post("/api/webhooks/stripe", stream, { "content-type": "application/json", "stripe-signature": "t=1,v1=00" });
    expect((await webhookRoute(request)).status).toBe(413);
    expect(counter.pulls).toBeLessThanOrEqual(MAX_WEBHOOK_BODY_BYTES / (16 * 1024) + 3);
  }, 5_000);
});
