import { sql } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import type { SqlRow } from "@/db/rows";
import { users, type Role } from "@/db/schema";
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
