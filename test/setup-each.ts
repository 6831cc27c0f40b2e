import { afterAll } from "vitest";
import { closeDb } from "@/db";

// Each test file closes its pool so the run ends promptly.
afterAll(async () => {
  await closeDb();
});
