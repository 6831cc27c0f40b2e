import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { beforeAll, describe, expect, it } from "vitest";
import { countQueries, getDb } from "@/db";
import { hashResetToken } from "@/lib/auth/password-reset";
import { PASSWORD_RESET_ANSWER } from "@/lib/auth/password-reset-schema";
import { verifyPassword } from "@/lib/auth/password";
import { findSessionUser, findUserByEmail, insertPasswordReset, registerUser } from "@/lib/auth/users";
import { LIMITS } from "@/lib/http/abuse-limits";
import { taskList } from "@/lib/worker/task-list";
import { POST as requestRoute } from "./route";
import { POST as confirmRoute } from "./confirm/route";

const base = "http://localhost:3000";
const quiet = new Logger(() => () => {});
let url = "";
let ipCounter = 0;
/** Each test asks from its own client address, so the per-address limits of one test leave the others alone. */
const freshIp = () => `10.77.${Math.floor(Math.random() * 250)}.${++ipCounter % 250}`;

function post(route: (r: Request) => Promise<Response>, path: string, body: unknown, ip = freshIp()) {
  return route(
    new Request(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}
const ask = (email: string, ip?: string) => post((r) => requestRoute(r, undefined), "/api/password-reset", { email }, ip);
const confirm = (token: string, password: string, ip?: string) =>
  post((r) => confirmRoute(r, undefined), "/api/password-reset/confirm", { token, password }, ip);

async function account() {
  const email = `reset-${randomUUID()}@example.com`;
  const user = await registerUser({ email, password: "old-password-1", name: "Rita Reset" });
  return { ...user, email };
}

/** Runs the queued jobs, then the reset e-mails to `email` (newest first) and the tokens in their links. */
async function mailTo(email: string) {
  await runOnce({ connectionString: url, taskList, logger: quiet });
  const { db } = await getDb();
  const rows = await db.execute<{ subject: string; text_body: string; html_body: string; order_id: string | null }>(sql`
    select subject, text_body, html_body, order_id from emails
    where to_address = ${email} and dedupe_key like 'password_reset:%' order by created_at desc`);
  return rows.map((row) => ({ ...row, token: /reset-password\?token=([A-Za-z0-9_-]+)/.exec(row.text_body)?.[1] ?? "" }));
}

beforeAll(async () => {
  url = (await getDb()).url;
});

describe("POST /api/password-reset and /confirm", () => {
  it("e-mails a single-use link; it sets the password and signs out every session", async () => {
    const user = await account();
    const before = (await findSessionUser(user.id))!.sessionVersion;
    const response = await ask(user.email.toUpperCase());
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual(PASSWORD_RESET_ANSWER);

    const [mail, ...older] = await mailTo(user.email);
    expect(older).toEqual([]);
    expect(mail!.subject).toMatch(/reset your .* password/i);
    expect(mail!.order_id).toBeNull();
    expect(mail!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail!.html_body).toContain(`/reset-password?token=${mail!.token}`);

    // Only the hash is stored.
    const { db } = await getDb();
    const stored = await db.execute<{ token_hash: string }>(sql`select token_hash from password_resets where user_id = ${user.id}`);
    expect(stored.map((r) => r.token_hash)).toEqual([hashResetToken(mail!.token)]);
    expect(JSON.stringify(stored)).not.toContain(mail!.token);

    const ok = await confirm(mail!.token, "new-password-2");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ reset: true, email: user.email });
    const after = (await findUserByEmail(user.email))!;
    expect(await verifyPassword(after.passwordHash, "new-password-2")).toBe(true);
    expect(await verifyPassword(after.passwordHash, "old-password-1")).toBe(false);
    // Sessions carry the version they signed in under: every earlier one is refused now (lib/auth/session.ts).
    expect(after.sessionVersion).toBe(before + 1);

    // Single use: the second try changes nothing.
    const again = await confirm(mail!.token, "third-password-3");
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/expired or was already used/);
    const still = (await findUserByEmail(user.email))!;
    expect(await verifyPassword(still.passwordHash, "new-password-2")).toBe(true);
    expect(still.sessionVersion).toBe(before + 1);
  });

  it("refuses an expired link, a wrong token and a malformed one, changing nothing", async () => {
    const user = await account();
    await ask(user.email);
    const [mail] = await mailTo(user.email);
    const { db } = await getDb();
    await db.execute(sql`update password_resets set expires_at = now() - interval '1 second' where user_id = ${user.id}`);
    expect((await confirm(mail!.token, "new-password-2")).status).toBe(400);

    const wrong = await confirm("A".repeat(43), "new-password-2");
    expect(wrong.status).toBe(400);
    for (const token of ["", "short", `${mail!.token}x`, "a".repeat(42) + "!"]) {
      expect((await confirm(token, "new-password-2")).status).toBe(400);
    }
    // A weak password is refused before the token is looked at.
    expect((await confirm(mail!.token, "short")).status).toBe(400);
    expect((await post((r) => confirmRoute(r, undefined), "/api/password-reset/confirm", "{not json")).status).toBe(400);

    const after = (await findUserByEmail(user.email))!;
    expect(await verifyPassword(after.passwordHash, "old-password-1")).toBe(true);
    expect(after.sessionVersion).toBe(0);
  });

  it("links made at the same moment (two reset jobs at once): exactly one stays valid", async () => {
    const user = await account();
    const hashes = Array.from({ length: 8 }, () => hashResetToken(randomUUID()));
    await Promise.all(hashes.map((hash) => insertPasswordReset(user.id, hash, new Date(Date.now() + 60_000))));
    const { db } = await getDb();
    const [row] = await db.execute<{ valid: number }>(
      sql`select count(*)::int as valid from password_resets where user_id = ${user.id} and used_at is null`,
    );
    expect(row!.valid).toBe(1);
  });

  it("a newer link replaces an older one", async () => {
    const user = await account();
    await ask(user.email);
    await ask(user.email);
    const [newer, older] = await mailTo(user.email);
    expect(newer!.token).not.toBe(older!.token);
    expect((await confirm(older!.token, "new-password-2")).status).toBe(400);
    expect((await confirm(newer!.token, "new-password-2")).status).toBe(200);
  });

  it("answers an unknown address exactly as a known one, with the same statements, and e-mails nobody", async () => {
    const known = await account();
    const unknown = `nobody-${randomUUID()}@example.com`;
    const sent = async (email: string) => {
      const counter = countQueries();
      const response = await ask(email);
      // The operation log's batch (written by a timer each second, off the request) is no request's work:
      // it landed in one request's window now and then, and the lists differed by it.
      const statements = counter
        .statements()
        .map((s) => s.text.replace(/\s+/g, " "))
        .filter((text) => !text.startsWith('insert into "operations"'));
      return { status: response.status, body: await response.json(), statements };
    };
    const a = await sent(known.email);
    const b = await sent(unknown);
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
    // The request does the same work for both (throttle, enqueue): nothing reads users.
    expect(a.statements.some((s) => s.includes("graphile_worker.add_job"))).toBe(true);
    expect(b.statements).toEqual(a.statements);
    expect(a.statements.join("\n")).not.toMatch(/\busers\b/);

    expect(await mailTo(unknown)).toEqual([]);
    const { db } = await getDb();
    const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from emails where to_address = ${unknown}`);
    expect(row!.n).toBe(0);
    expect(await mailTo(known.email)).toHaveLength(1);
  });

  it("throttles per e-mail address (known or not) and per client address, with 429 and Retry-After", async () => {
    for (const email of [(await account()).email, `nobody-${randomUUID()}@example.com`]) {
      for (let i = 0; i < LIMITS.passwordResetAddress.points; i++) expect((await ask(email)).status).toBe(202);
      const refused = await ask(email);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    const ip = freshIp();
    for (let i = 0; i < LIMITS.passwordResetIp.points; i++) expect((await ask(`many-${randomUUID()}@example.com`, ip)).status).toBe(202);
    expect((await ask(`many-${randomUUID()}@example.com`, ip)).status).toBe(429);

    const confirmIp = freshIp();
    for (let i = 0; i < LIMITS.passwordResetConfirm.points; i++)
      expect((await confirm("B".repeat(43), "new-password-2", confirmIp)).status).toBe(400);
    expect((await confirm("B".repeat(43), "new-password-2", confirmIp)).status).toBe(429);
    // Refused input does not count: a malformed request is 400 before the limiter.
    expect((await ask("not an address", ip)).status).toBe(400);
  });

  it("refuses bad input with 400 and an oversized body with 413", async () => {
    for (const body of [{}, { email: "" }, { email: "x".repeat(250) + "@example.com" }, { email: 42 }]) {
      expect((await post((r) => requestRoute(r, undefined), "/api/password-reset", body)).status).toBe(400);
    }
    const huge = await post((r) => requestRoute(r, undefined), "/api/password-reset", { email: "a@example.com", pad: "x".repeat(200_000) });
    expect(huge.status).toBe(413);
  });
});
