import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { beat, forget } from "@/lib/worker/heartbeat";
import { ensureSeeded } from "@/test/seeded";
import { GET as listRoute } from "./route";
import { GET as bookRoute } from "./[id]/route";
import { GET as healthRoute } from "../health/route";

const base = "http://localhost:3000";
const list = (qs: string) => listRoute(new Request(`${base}/api/books${qs}`), undefined);
const one = (id: string) => bookRoute(new Request(`${base}/api/books/${id}`), { params: Promise.resolve({ id }) });

beforeAll(async () => {
  await ensureSeeded();
});

describe("GET /api/books", () => {
  it("answers the documented shape with defaults", async () => {
    const response = await list("");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ page: 1, pageSize: 24 });
    expect(body.items).toHaveLength(24);
    expect(Object.keys(body.items[0]).sort()).toEqual(
      ["author", "available", "currency", "description", "genre", "id", "priceCents", "title"].sort(),
    );
    expect(body.total).toBeGreaterThanOrEqual(72);
  });

  it("searches, filters and pages", async () => {
    const body = await (await list("?q=doyle&genre=Mystery&page=1&pageSize=5")).json();
    expect(body.pageSize).toBe(5);
    expect(body.items.length).toBeGreaterThan(0);
    for (const book of body.items) {
      expect(book.genre).toBe("Mystery");
      expect(`${book.title} ${book.author}`.toLowerCase()).toContain("doyle");
    }
  });

  it.each(["?page=-1", "?page=0", "?pageSize=10000", "?pageSize=0", "?page=x", "?pageSize=2.5"])(
    "answers 400 invalid_request for %s",
    async (qs) => {
      const response = await list(qs);
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error.code).toBe("invalid_request");
      expect(Array.isArray(body.error.details)).toBe(true);
    },
  );
});

describe("GET /api/books/:id", () => {
  it("returns one Book", async () => {
    const [first] = (await (await list("?pageSize=1")).json()).items;
    const response = await one(String(first.id));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(first);
  });

  it.each(["999999", "0", "abc", "-3", "1.5"])("answers 404 not_found for %s", async (id) => {
    const response = await one(id);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("not_found");
  });
});

describe("GET /api/health", () => {
  it("answers 200 with the database and a worker that beat just now", async () => {
    // This file's own worker heartbeat: the answer does not depend on what other files left running.
    const { db } = await getDb();
    const workerId = `books-api-test-${randomUUID()}`;
    await beat(db, workerId);
    try {
      const response = await healthRoute();
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toMatchObject({ db: "ok", worker: "ok" });
      expect(body.workers).toBeGreaterThanOrEqual(1);
    } finally {
      await forget(db, workerId);
    }
    // Readiness without a live worker (503), and the heartbeat threshold: lib/health/check-health.test.ts, on a database of its own.
  });
});
