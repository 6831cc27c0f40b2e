import { sql } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import type { SqlRow } from "@/db/rows";
import { passwordResets, users, type Role } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { hashPassword } from "./password";

export type UserRecord = { id: string; email: string; name: string; role: Role; passwordHash: string; sessionVersion: number };
export type SessionUser = Omit<UserRecord, "passwordHash">;

export async function findUserByEmail(email: string): Promise<UserRecord | undefined> {
  const { db } = await getDb();
  const [row] = await db.execute<SqlRow<typeof users, "id" | "email" | "name" | "role" | "passwordHash" | "sessionVersion">>(sql`
    select id, email, name, role, password_hash, session_version from users where lower(email) = ${email.toLowerCase()}`);
  return (
    row && {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      passwordHash: row.password_hash,
      sessionVersion: row.session_version,
    }
  );
}

/** The account behind a session, as it is now (role, session version), or undefined when it is gone. */
export async function findSessionUser(id: string): Promise<SessionUser | undefined> {
  if (!isUuid(id)) return undefined;
  const { db } = await getDb();
  const [row] = await db.execute<SqlRow<typeof users, "id" | "email" | "name" | "role" | "sessionVersion">>(sql`
    select id, email, name, role, session_version from users where id = ${id}`);
  return row && { id: row.id, email: row.email, name: row.name, role: row.role, sessionVersion: row.session_version };
}

/** "Sign out everywhere": every session signed in before this is refused from now on. */
export async function endAllSessions(id: string): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<SqlRow<typeof users, "sessionVersion">>(sql`
    update users set session_version = session_version + 1 where id = ${id} returning session_version`);
  if (!row) throw new AppError("not_found", "Account not found");
  return row.session_version;
}

/** Whether the account's e-mail address was proven (its confirmation link followed). */
export async function emailVerified(userId: string): Promise<boolean> {
  const { db } = await getDb();
  const [row] = await db.execute<{ verified: boolean }>(
    sql`select email_verified_at is not null as verified from users where id = ${userId}`,
  );
  return row?.verified ?? false;
}

/**
 * Marks an account's e-mail address proven (its verification link was
 * followed); false when the account is gone or its address changed since the
 * link was sent.
 */
export async function markEmailVerified(userId: string, email: string): Promise<boolean> {
  const { db } = await getDb();
  const rows = await db.execute(sql`
    update users set email_verified_at = coalesce(email_verified_at, now())
    where id = ${userId} and lower(email) = ${email.toLowerCase()} returning id`);
  return rows.length > 0;
}

/** Creates a customer account; email_taken when the address is in use (any case). */
export async function registerUser(input: {
  email: string;
  password: string;
  name: string;
}): Promise<{ id: string; email: string; name: string }> {
  const { db } = await getDb();
  const passwordHash = await hashPassword(input.password);
  const rows = await db.execute<SqlRow<typeof users, "id" | "email" | "name">>(sql`
    insert into users (email, password_hash, name, role) values (${input.email}, ${passwordHash}, ${input.name}, 'customer')
    on conflict do nothing returning id, email, name`);
  const user = rows[0];
  if (!user) throw new AppError("email_taken", "An account with this e-mail address already exists");
  return user;
}

/** Creates an operator account (`npm run admin:create`); email_taken when the address is in use, whatever its role. */
export async function createOperator(input: { email: string; password: string; name: string }): Promise<{ id: string; email: string }> {
  const { db } = await getDb();
  const passwordHash = await hashPassword(input.password);
  const rows = await db.execute<SqlRow<typeof users, "id" | "email">>(sql`
    insert into users (email, password_hash, name, role) values (${input.email}, ${passwordHash}, ${input.name}, 'admin')
    on conflict do nothing returning id, email`);
  const user = rows[0];
  if (!user) throw new AppError("email_taken", `An account with the e-mail ${input.email} already exists; nothing was changed`);
  return user;
}

/** The seed's demo account (db/seed.ts), on the seed's connection; false when it exists already. */
export async function insertDemoAccount(db: Db, account: { email: string; name: string; role: Role; password: string }): Promise<boolean> {
  const rows = await db
    .insert(users)
    .values({ email: account.email, name: account.name, role: account.role, passwordHash: await hashPassword(account.password) })
    .onConflictDoNothing()
    .returning({ id: users.id });
  return rows.length > 0;
}

/** Stores a new reset link's token hash; any earlier unused link of the account stops working. */
export async function insertPasswordReset(userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
  const { db } = await getDb();
  // The account's row lock first, in its own statement: two reset jobs at once (the worker runs four)
  // each cancelled only the links already committed, and both new links stayed valid. The second
  // statement, run once the lock is held, sees the other job's link and cancels it.
  await db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from users where id = ${userId} for update`);
    await tx.execute(sql`
      with superseded as (update password_resets set used_at = now() where user_id = ${userId} and used_at is null)
      insert into password_resets (token_hash, user_id, expires_at) values (${tokenHash}, ${userId}, ${expiresAt.toISOString()})`);
  });
}

/**
 * Uses a reset link: in one statement the link is marked used (only if unused
 * and not expired; the row lock makes a second use wait and then find it used),
 * the password replaced and the session version bumped, so every session of
 * the account is signed out. Undefined when the token is unknown, used or expired.
 */
export async function resetPasswordWithToken(tokenHash: string, passwordHash: string): Promise<{ id: string; email: string } | undefined> {
  const { db } = await getDb();
  const [row] = await db.execute<SqlRow<typeof users, "id" | "email">>(sql`
    with used as (
      update password_resets set used_at = now()
      where token_hash = ${tokenHash} and used_at is null and expires_at > now()
      returning user_id)
    update users set password_hash = ${passwordHash}, session_version = session_version + 1
    from used where users.id = used.user_id returning users.id, users.email`);
  return row;
}

/** True while the link can still be used (the reset page asks before showing its form). */
export async function passwordResetUsable(tokenHash: string): Promise<boolean> {
  const { db } = await getDb();
  const [row] = await db.execute<SqlRow<typeof passwordResets, "userId">>(sql`
    select user_id from password_resets where token_hash = ${tokenHash} and used_at is null and expires_at > now()`);
  return !!row;
}
