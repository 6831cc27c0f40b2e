// GET /api/orders/:id/events after it opened. A security audit found that who
// may watch was decided once, at connect: a demoted operator or a "sign out
// everywhere" (which count at once for every request) kept receiving the
// order's changes; and one viewer could hold any number of streams open (each a
// listener and a re-read every 15 s). These tests failed before the fix.
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GET as eventsRoute } from "@/app/api/orders/[id]/events/route";
import { getDb } from "@/db";
import { endAllSessions } from "@/lib/auth/users";
import { createBook, createUser } from "@/test/fixtures";
import { signInAs } from "@/test/session";
import { dispatch } from "./dispatch";
import { MAX_STREAMS } from "./order-stream";
import { placeOrder } from "./place-order";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (await import("@/test/session")).fakeSession.session,
}));

vi.mock("next/headers", () => import("@/test/cookies").then((m) => m.noCookies));

const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
  signInAs(null);
});

async function newOrder() {
  const userId = await createUser();
  const bookId = await createBook(3);
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
  return { userId, orderId };
}

/** Opens a stream as a client would, keeping only the abort controller (not the Request: Next need not either). */
async function open(orderId: string): Promise<Response> {
  const abort = new AbortController();
  aborts.push(abort);
  return eventsRoute(new Request(`http://localhost/api/orders/${orderId}/events`, { signal: abort.signal }), {
    params: Promise.resolve({ id: orderId }),
  });
}

/** Everything the stream sends within `ms` (or until it ends). */
async function readFor(response: Response, ms: number): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const next = await Promise.race([reader.read(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), left))]);
    if (next === "timeout" || next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

describe("order event stream: authorization after connect", () => {
  it("stops sending another shopper's order changes once the operator watching it is demoted", async () => {
    const { orderId } = await newOrder();
    const operator = await createUser("admin");
    signInAs(operator, "admin");
    const stream = await open(orderId);
    expect(stream.status).toBe(200);
    expect(await readFor(stream, 1500)).toContain('"status":"created"');

    // Demoted: from now on every request of theirs is a customer's (a new stream is a 404).
    const { db } = await getDb();
    await db.execute(sql`update users set role = 'customer' where id = ${operator}`);
    expect((await open(orderId)).status).toBe(404);

    await dispatch(orderId, { type: "CANCEL" }, "user");
    // The open stream must not tell the ex-operator what became of a stranger's order.
    expect(await readFor(stream, 3000)).not.toContain('"status":"cancelled"');
  });

  it("stops sending the order's changes after 'sign out everywhere'", async () => {
    const { userId, orderId } = await newOrder();
    signInAs(userId);
    const stream = await open(orderId);
    expect(stream.status).toBe(200);
    expect(await readFor(stream, 1500)).toContain('"status":"created"');

    await endAllSessions(userId); // e.g. the owner after noticing a stolen session cookie
    expect((await open(orderId)).status).toBe(401);

    await dispatch(orderId, { type: "CANCEL" }, "user");
    expect(await readFor(stream, 3000)).not.toContain('"status":"cancelled"');
  });
});

describe("order event stream: how many one viewer may hold open", () => {
  it("refuses a viewer's streams past its cap (429 with Retry-After); one closed makes room for another", async () => {
    const { userId, orderId } = await newOrder();
    signInAs(userId);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await open(orderId)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_STREAMS.viewer);
    expect(statuses.slice(MAX_STREAMS.viewer).every((s) => s === 429)).toBe(true);
    const refused = await open(orderId);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("10");
    aborts[0]!.abort();
    await expect.poll(async () => (await open(orderId)).status).toBe(200);
  });

  it("a client that leaves is noticed after the garbage collector ran (the Request is kept while its stream lives)", async () => {
    // undici aborts a Request's signal only while the Request object lives: a stream that kept only the
    // signal missed its client leaving once the Request was collected, and the viewer's place stayed
    // held (a CI run's flake of the test above). Collect garbage between opening and leaving.
    v8.setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const { userId, orderId } = await newOrder();
    signInAs(userId);
    for (let i = 0; i < MAX_STREAMS.viewer; i++) expect((await open(orderId)).status).toBe(200);
    expect((await open(orderId)).status).toBe(429);
    for (let round = 0; round < 3; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const a of aborts.splice(0)) a.abort();
    await expect.poll(async () => (await open(orderId)).status).toBe(200);
  });

  it("a client that leaves at once, before the stream has subscribed, gives its place back", async () => {
    const { userId, orderId } = await newOrder();
    signInAs(userId);
    for (let i = 0; i < MAX_STREAMS.viewer * 2; i++) {
      const response = await open(orderId);
      expect(response.status).toBe(200);
      aborts.at(-1)!.abort();
    }
    await expect
      .poll(async () => {
        const statuses = [];
        for (let i = 0; i < MAX_STREAMS.viewer; i++) statuses.push((await open(orderId)).status);
        for (const a of aborts.splice(0)) a.abort();
        return statuses.every((status) => status === 200);
      })
      .toBe(true);
  });
});
