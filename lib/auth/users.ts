import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import type { Role } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { hashPassword } from "./password";

export type UserRecord = { id: string; email: string; name: string; role: Role; passwordHash: string };

export async function findUserByEmail(email: string): Promise<UserRecord | undefined> {
  const { db } = await getDb();
  const [row] = await db.execute<{ id: string; email: string; name: string; role: Role; password_hash: string }>(sql`
    select id, email, name, role, password_hash from users where lower(email) = ${email.toLowerCase()}`);
  return row && { id: row.id, email: row.email, name: row.name, role: row.role, passwordHash: row.password_hash };
}

/** Creates a customer account; email_taken when the address is in use (any case). */
export async function registerUser(input: { email: string; password: string; name: string }): Promise<{ id: string; email: string; name: string }> {
  const { db } = await getDb();
  const passwordHash = await hashPassword(input.password);
  const rows = await db.execute<{ id: string; email: string; name: string }>(sql`
    insert into users (email, password_hash, name, role) values (${input.email}, ${passwordHash}, ${input.name}, 'customer')
    on conflict do nothing returning id, email, name`);
  const user = rows[0];
  if (!user) throw new AppError("email_taken", "An account with this e-mail address already exists");
  return user;
}
