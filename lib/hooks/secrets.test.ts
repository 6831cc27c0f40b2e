import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { createUser } from "@/test/fixtures";
import { placedOrder } from "@/test/gateway";
import { HookReceiver } from "@/test/hook-receiver";
import { deliverHook } from "./deliver";
import { createHookEndpoint, deleteHookEndpoint, rollHookSecret } from "./endpoints";
import { openSecret, sealSecret, SecretUnreadableError } from "./secret-box";
import { sealPlainHookSecrets } from "./seal-secrets";
import { signatureHeader, verifySignature } from "./signature";

// Endpoint secrets at rest and their rotation: sealed with AES-256-GCM under a
// key derived from NEXTAUTH_SECRET, plain rows of an older store sealed at
// start, and "Roll secret": for the grace period each delivery carries a v1
// signature with the new secret and one with the old, so a receiver holding
// either accepts it (test/hook-receiver.ts, like Stripe's libraries).

const receiver = new HookReceiver();
let url = "";
let adminId = "";
const endpoints: string[] = [];

beforeAll(async () => {
  url = await receiver.start();
  adminId = await createUser("admin");
});

afterEach(async () => {
  for (const id of endpoints.splice(0)) await deleteHookEndpoint(id);
  receiver.failNext(0);
});

afterAll(() => receiver.stop());

async function endpoint() {
  const created = await createHookEndpoint(adminId, { url, eventTypes: ["OrderCreated"] });
  endpoints.push(created.endpoint.id);
  return created;
}

async function stored(id: string): Promise<{ secret: string; previous_secret: string | null; previous_secret_expires_at: Date | null }> {
  const { db } = await getDb();
  const [row] = await db.execute<{ secret: string; previous_secret: string | null; previous_secret_expires_at: Date | null }>(
    sql`select secret, previous_secret, previous_secret_expires_at from hook_endpoints where id = ${id}`,
  );
  return row!;
}

/** Places an order and runs the delivery of its OrderCreated event to `endpointId`; the attempt's outcome. */
async function deliverNewEvent(endpointId: string) {
  const o = await placedOrder();
  const { db } = await getDb();
  const [row] = await db.execute<{ id: number }>(
    sql`select id::int from hook_deliveries where order_id = ${o.orderId} and endpoint_id = ${endpointId}`,
  );
  return { outcome: await deliverHook(row!.id), orderId: o.orderId, deliveryId: row!.id };
}

describe("the secret box", () => {
  it("seals with a fresh IV each time and opens what it sealed; a tampered or foreign value does not open", () => {
    const a = sealSecret("whsec_abc");
    const b = sealSecret("whsec_abc");
    expect(a).toMatch(/^enc:v1:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("whsec_abc");
    expect(openSecret(a)).toBe("whsec_abc");
    const [iv, body, tag] = a.slice("enc:v1:".length).split(".");
    const flipped = Buffer.from(body!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret(`enc:v1:${iv}.${flipped.toString("base64url")}.${tag}`)).toThrow(SecretUnreadableError);
    expect(() => openSecret("enc:v1:garbage")).toThrow(SecretUnreadableError);
    // A row of an older store, not sealed yet, is read as it is.
    expect(openSecret("whsec_plain")).toBe("whsec_plain");
  });

  it("a value sealed under another NEXTAUTH_SECRET does not open", () => {
    const e = env();
    const saved = e.NEXTAUTH_SECRET;
    e.NEXTAUTH_SECRET = "another-secret-0123456789abcdef0123456789";
    let foreign = "";
    try {
      foreign = sealSecret("whsec_abc");
      expect(openSecret(foreign)).toBe("whsec_abc");
    } finally {
      e.NEXTAUTH_SECRET = saved;
    }
    expect(() => openSecret(foreign)).toThrow(SecretUnreadableError);
  });
});

describe("endpoint secrets at rest", () => {
  it("a new endpoint's secret is stored sealed; its deliveries are signed with the plain one", async () => {
    const { endpoint: view, secret } = await endpoint();
    const row = await stored(view.id);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.secret).not.toContain(secret.slice(6));
    receiver.secret = secret;
    const rejected = receiver.rejected.length;
    expect((await deliverNewEvent(view.id)).outcome).toBe("succeeded");
    expect(receiver.rejected.length).toBe(rejected);
  });

  it("start-up seals the plain secrets of an older store, once; deliveries go on with the same secret", async () => {
    const { endpoint: view } = await endpoint();
    const { db } = await getDb();
    await db.execute(sql`update hook_endpoints set secret = 'whsec_from_an_older_store' where id = ${view.id}`);
    receiver.secret = "whsec_from_an_older_store";
    expect((await deliverNewEvent(view.id)).outcome).toBe("succeeded");
    expect(await sealPlainHookSecrets()).toBeGreaterThanOrEqual(1);
    const row = await stored(view.id);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(openSecret(row.secret)).toBe("whsec_from_an_older_store");
    expect(await sealPlainHookSecrets()).toBe(0);
    expect((await stored(view.id)).secret).toBe(row.secret);
    expect((await deliverNewEvent(view.id)).outcome).toBe("succeeded");
  });

  it("a secret that no longer opens (NEXTAUTH_SECRET changed) fails the attempt with a message saying what to do", async () => {
    const { endpoint: view } = await endpoint();
    const { db } = await getDb();
    const e = env();
    const saved = e.NEXTAUTH_SECRET;
    e.NEXTAUTH_SECRET = "another-secret-0123456789abcdef0123456789";
    const foreign = sealSecret("whsec_lost");
    e.NEXTAUTH_SECRET = saved;
    await db.execute(sql`update hook_endpoints set secret = ${foreign} where id = ${view.id}`);
    const { outcome, deliveryId } = await deliverNewEvent(view.id);
    expect(outcome).toBe("retry");
    const [row] = await db.execute<{ last_error: string }>(sql`select last_error from hook_deliveries where id = ${deliveryId}`);
    expect(row!.last_error).toMatch(/cannot be decrypted .*roll its secret/);
  });
});

describe("rolling a secret", () => {
  it("the new secret is shown once; for the grace period deliveries carry both signatures, then only the new one", async () => {
    const { endpoint: view, secret: old } = await endpoint();
    const rolled = await rollHookSecret(view.id);
    expect(rolled.secret).toMatch(/^whsec_/);
    expect(rolled.secret).not.toBe(old);
    expect(rolled.previousSecretExpiresAt).not.toBeNull();
    const graceMs = new Date(rolled.previousSecretExpiresAt!).getTime() - Date.now();
    expect(graceMs).toBeGreaterThan(env().HOOK_SECRET_GRACE_HOURS * 3_600_000 - 60_000);
    expect(graceMs).toBeLessThanOrEqual(env().HOOK_SECRET_GRACE_HOURS * 3_600_000);
    const row = await stored(view.id);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.previous_secret).toMatch(/^enc:v1:/);
    expect(openSecret(row.previous_secret!)).toBe(old);
    expect(openSecret(row.secret)).toBe(rolled.secret);

    // A receiver still on the old secret, and one already on the new: both accept.
    for (const secret of [old, rolled.secret]) {
      receiver.secret = secret;
      const rejected = receiver.rejected.length;
      const { outcome, orderId } = await deliverNewEvent(view.id);
      expect(outcome).toBe("succeeded");
      expect(receiver.rejected.length).toBe(rejected);
      expect(receiver.eventsOf(orderId).map((e) => e.type)).toEqual(["OrderCreated"]);
    }
    expect(receiver.lastSignature.match(/v1=/g)).toHaveLength(2);

    // After the grace period, only the new secret signs: the old receiver refuses.
    const { db } = await getDb();
    await db.execute(sql`update hook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = ${view.id}`);
    receiver.secret = old;
    receiver.failNext(0);
    const { outcome } = await deliverNewEvent(view.id);
    expect(outcome).toBe("retry");
    expect(receiver.rejected.at(-1)).toEqual({ reason: "mismatch" });
    expect(receiver.lastSignature.match(/v1=/g)).toHaveLength(1);
    receiver.secret = rolled.secret;
  });

  it("a second roll within the grace period keeps only the secret just replaced", async () => {
    const { endpoint: view, secret: first } = await endpoint();
    const second = await rollHookSecret(view.id);
    const third = await rollHookSecret(view.id);
    const row = await stored(view.id);
    expect(openSecret(row.secret)).toBe(third.secret);
    expect(openSecret(row.previous_secret!)).toBe(second.secret);
    expect(openSecret(row.previous_secret!)).not.toBe(first);
  });

  it("an unknown endpoint: not_found", async () => {
    await expect(rollHookSecret("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
    await expect(rollHookSecret("nope")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("signatures with two secrets", () => {
  it("one header carries a v1 per secret; a receiver holding any of them verifies it", () => {
    const body = '{"id":"evt_1"}';
    const header = signatureHeader(["whsec_new", "whsec_old"], body);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifySignature("whsec_new", header, body)).toMatchObject({ ok: true });
    expect(verifySignature("whsec_old", header, body)).toMatchObject({ ok: true });
    expect(verifySignature("whsec_other", header, body)).toEqual({ ok: false, reason: "mismatch" });
  });
});
