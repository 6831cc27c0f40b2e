import { expect, it } from "vitest";
import { getDb } from "@/db";

// Run only by db/embedded.test.ts, in a Vitest of its own on a fresh embedded
// PostgreSQL: this test fails on purpose, and that run must exit non-zero.

it("fails on purpose after using the embedded database", async () => {
  const { sql } = await getDb();
  const [row] = await sql`select 1 as one`;
  expect(row?.one).toBe(2);
});
