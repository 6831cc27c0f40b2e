import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { POST as fulfilRoute } from "@/app/api/admin/orders/[id]/fulfil/route";
import { POST as pauseRoute } from "@/app/api/admin/orders/[id]/pause/route";
import { POST as resumeRoute } from "@/app/api/admin/orders/[id]/resume/route";
import { getDb } from "@/db";
import { LIMITS } from "@/lib/http/abuse-limits";
import { MAX_JSON_BODY_BYTES } from "@/lib/http/body";
import { originAllowed } from "@/lib/http/security";
import { createUser, eventTypes } from "@/test/fixtures";
import { paidOrderAtGateway } from "@/test/gateway";
import { dispatch } from "./dispatch";
import { signInAs } from "@/test/session";
import { idParams, jsonPost } from "@/test/route-requests";

// The operator's pause, resume and ship-by-hand routes: who may call them
// (operators only; a cross-site form is refused by the Origin check), how big
// the input may be, how often; bad input is a clear 4xx and changes nothing.

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (await import("@/test/session")).fakeSession.session,
}));

const as = (id: string | null, role: "customer" | "admin" = "customer") => signInAs(id, role, "test.example");
const post = jsonPost;
const params = idParams;

/** What the routes may change: the order's row and its event log. */
async function fingerprint(orderId: string) {
  const { db } = await getDb();
  const [row] = await db.execute(sql`
    select status, revision, paused_at, paused_by, pause_reason, tracking_number,
      (select count(*) from order_events where order_id = ${orderId})::int as events
    from orders where id = ${orderId}`);
  return row;
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("POST /api/admin/orders/:id/pause, /resume and /fulfil: operators only", () => {
  it("signed out, or a shopper (even the order's own): 404 for all three, nothing changes", async () => {
    const o = await paidOrderAtGateway({ quantity: 1 });
    const before = await fingerprint(o.orderId);
    for (const who of [null, o.userId]) {
      as(who);
      expect((await pauseRoute(post({ reason: "not yours" }), params(o.orderId))).status).toBe(404);
      expect((await resumeRoute(post({}), params(o.orderId))).status).toBe(404);
      expect((await fulfilRoute(post({ trackingNumber: "1Z999AA1" }), params(o.orderId))).status).toBe(404);
    }
    expect(await fingerprint(o.orderId)).toEqual(before);
  });

  it("a form posted from another site is refused by the Origin check (CSRF), as for every admin form", () => {
    const own = ["http://localhost:3000"];
    for (const action of ["pause", "resume", "fulfil"]) {
      const path = `/api/admin/orders/00000000-0000-4000-8000-000000000000/${action}`;
      expect(originAllowed("POST", path, "https://evil.example", own)).toBe(false);
      expect(originAllowed("POST", path, null, own)).toBe(false);
      expect(originAllowed("POST", path, "http://localhost:3000", own)).toBe(true);
    }
  });

  it("an operator pauses with a reason and resumes; unknown orders are 404", async () => {
    const o = await paidOrderAtGateway({ quantity: 1 });
    as(await createUser("admin"), "admin");
    const paused = await pauseRoute(post({ reason: "  customer called  " }), params(o.orderId));
    expect(paused.status).toBe(200);
    expect(await fingerprint(o.orderId)).toMatchObject({ paused_by: "admin", pause_reason: "customer called" });
    const resumed = await resumeRoute(post(), params(o.orderId));
    expect(resumed.status).toBe(200);
    expect(await fingerprint(o.orderId)).toMatchObject({ paused_by: null, pause_reason: null });
    expect((await eventTypes(o.orderId)).slice(-2)).toEqual(["OrderPaused", "OrderResumed"]);
    for (const id of ["00000000-0000-4000-8000-000000000000", "nope"]) {
      expect((await pauseRoute(post({ reason: "who?" }), params(id))).status).toBe(404);
      expect((await resumeRoute(post({}), params(id))).status).toBe(404);
    }
  });

  it("input out of bounds is 400 (too big: 413) and changes nothing", async () => {
    const o = await paidOrderAtGateway({ quantity: 1 });
    as(await createUser("admin"), "admin");
    const before = await fingerprint(o.orderId);
    for (const body of [
      {},
      { reason: "" },
      { reason: "ab" },
      { reason: "x".repeat(501) },
      { reason: 5 },
      { reason: "fine", by: "system" },
    ]) {
      expect((await pauseRoute(post(body), params(o.orderId))).status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    expect((await pauseRoute(post(undefined, "{not json"), params(o.orderId))).status).toBe(400);
    expect((await pauseRoute(post(undefined, ""), params(o.orderId))).status).toBe(400);
    expect((await resumeRoute(post({ now: true }), params(o.orderId))).status).toBe(400);
    for (const body of [
      { trackingNumber: "" },
      { trackingNumber: "abc" },
      { trackingNumber: "x".repeat(65) },
      { trackingNumber: "<script>" },
      { trackingNumber: 123456 },
      { trackingNumber: "1Z999AA1", carrier: "ups" },
    ]) {
      expect((await fulfilRoute(post(body), params(o.orderId))).status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    const huge = JSON.stringify({ reason: "x".repeat(MAX_JSON_BODY_BYTES) });
    expect((await pauseRoute(post(undefined, huge), params(o.orderId))).status).toBe(413);
    expect(await fingerprint(o.orderId)).toEqual(before);
  });

  it("ship by hand from the queue: the operator's tracking number, while paused; a shipped order is 409", async () => {
    const o = await paidOrderAtGateway({ quantity: 1 });
    await dispatch(o.orderId, { type: "FULFILMENT_FAILED", reason: "the fulfilment job failed: carrier down" }, "system");
    await dispatch(o.orderId, { type: "PAUSE", by: "system", reason: "5 job runs failed in a row" }, "system");
    as(await createUser("admin"), "admin");
    const shipped = await fulfilRoute(post({ trackingNumber: " 1Z999AA10123456784 " }), params(o.orderId));
    expect(shipped.status).toBe(200);
    expect(await shipped.json()).toMatchObject({ status: "fulfilled", trackingNumber: "1Z999AA10123456784" });
    const again = await fulfilRoute(post({ trackingNumber: "1Z999AA10123456785" }), params(o.orderId));
    expect(again.status).toBe(200); // a repeat is a duplicate: the first tracking number stays
    expect(await fingerprint(o.orderId)).toMatchObject({ tracking_number: "1Z999AA10123456784" });
  });

  it(`at most ${LIMITS.orderAutomationAdmin.points} pauses, resumes and shipments per operator in ${LIMITS.orderAutomationAdmin.duration / 60} minutes: then 429`, async () => {
    const o = await paidOrderAtGateway({ quantity: 1 });
    as(await createUser("admin"), "admin");
    for (let i = 0; i < LIMITS.orderAutomationAdmin.points; i++) {
      const response =
        i % 2 === 0 ? await pauseRoute(post({ reason: `round ${i}` }), params(o.orderId)) : await resumeRoute(post(), params(o.orderId));
      expect(response.status).toBe(200);
    }
    const before = await fingerprint(o.orderId);
    const limited = await pauseRoute(post({ reason: "one more" }), params(o.orderId));
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe("rate_limited");
    expect((await fulfilRoute(post(), params(o.orderId))).status).toBe(429);
    expect(await fingerprint(o.orderId)).toEqual(before);
    // Another operator is not held back.
    as(await createUser("admin"), "admin");
    expect((await pauseRoute(post({ reason: "my turn" }), params(o.orderId))).status).toBe(200);
  });
});
