// Property-based fuzzing of the JSON API (docs/API.md): malformed, oversized, wrong-typed and boundary input
// gets a 4xx with `{ error: { code, message } }` (never a 5xx, never a stack trace), and the database
// stays exactly as it was. Handlers are called directly; only the session lookup (next-auth's
// getServerSession) and the cookie jar (next/headers) are faked, because both need a live Next request.
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { registerSchema } from "@/lib/auth/register-schema";
import { createCart } from "@/lib/cart/cart-store";
import { addItemSchema } from "@/lib/cart/types";
import { stockChangeSchema } from "@/lib/catalog/stock-change";
import { bookIdSchema, bookQuerySchema } from "@/lib/catalog/types";
import { adminOrderFilterSchema } from "@/lib/admin/order-filter";
import { errorStatus } from "@/lib/errors";
import { MAX_WEBHOOK_BODY_BYTES } from "@/lib/http/body";
import { searchParamsObject } from "@/lib/http/responses";
import { captureLogs } from "@/lib/observability/log";
import { flushOperations } from "@/lib/observability/operations";
import { guestCookieName, guestToken } from "@/lib/orders/guest-link";
import { placeOrder } from "@/lib/orders/place-order";
import { webhookSecret } from "@/lib/payments/stripe-client";
import { createBook, createUser } from "@/test/fixtures";
import { signedRequest } from "@/test/webhooks";
import { POST as stockRoute } from "@/app/api/admin/books/[id]/stock/route";
import { POST as adminFulfilRoute } from "@/app/api/admin/orders/[id]/fulfil/route";
import { POST as adminRefundRoute } from "@/app/api/admin/orders/[id]/refund/route";
import { POST as paidOutsideRoute } from "@/app/api/admin/orders/[id]/refund-paid-outside/route";
import { GET as adminOrdersRoute } from "@/app/api/admin/orders/route";
import { GET as bookRoute } from "@/app/api/books/[id]/route";
import { GET as booksRoute } from "@/app/api/books/route";
import { DELETE as removeLineRoute, PATCH as setLineRoute } from "@/app/api/cart/items/[bookId]/route";
import { POST as addItemRoute } from "@/app/api/cart/items/route";
import { GET as cartRoute } from "@/app/api/cart/route";
import { POST as checkoutRoute } from "@/app/api/checkout/route";
import { POST as cancelRoute } from "@/app/api/orders/[id]/cancel/route";
import { POST as paymentsRoute } from "@/app/api/orders/[id]/payments/route";
import { POST as refundRoute } from "@/app/api/orders/[id]/refund/route";
import { GET as orderRoute } from "@/app/api/orders/[id]/route";
import { POST as registerRoute } from "@/app/api/register/route";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";

type SessionUser = { id: string; email: string; name: string; role: "customer" | "admin" };
const fake = vi.hoisted(() => ({ session: null as { user: SessionUser } | null, cookies: new Map<string, string>() }));

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => fake.session,
}));

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (fake.cookies.has(name) ? { name, value: fake.cookies.get(name) } : undefined),
    set: (name: string, value: string) => void fake.cookies.set(name, value),
    delete: (name: string) => void fake.cookies.delete(name),
  }),
}));

fc.configureGlobal({ seed: 20_240_611, numRuns: 150 });

const MAX_BODY = 16 * 1024;
const CART_COOKIE = "cart_id";

// ---- what the routes see -------------------------------------------------------------------

type Params<K extends string> = { params: Promise<Record<K, string>> };
const params = <K extends string>(key: K, value: string): Params<K> => ({ params: Promise.resolve({ [key]: value } as Record<K, string>) });

type Send = { body?: string; contentType?: string; headers?: Record<string, string> };

/** Bodies go as bytes so that fetch adds no content-type of its own: absent means absent. */
function request(method: string, path: string, { body, contentType, headers = {} }: Send = {}): Request {
  const all = new Headers(headers);
  if (contentType !== undefined) all.set("content-type", contentType);
  return new Request(`http://localhost${path}`, {
    method,
    headers: all,
    body: body === undefined ? undefined : new TextEncoder().encode(body),
  });
}

function as(user: SessionUser | null): void {
  fake.session = user ? { user } : null;
}

/** The body's size as sent: bytes of UTF-8, not characters ("é" is two). */
const byteLength = (body: string | undefined) => new TextEncoder().encode(body ?? "").length;
const isJsonType = (contentType: string | undefined) => !contentType || contentType.toLowerCase().includes("application/json");

/** What readJson would accept: a JSON content type (or none), ≤ 16 KiB, JSON, and the schema. */
function isAccepted(schema: { safeParse: (v: unknown) => { success: boolean } }, { body, contentType }: Send): boolean {
  if (!isJsonType(contentType) || byteLength(body) > MAX_BODY) return false;
  const text = (body ?? "").replace(/^\uFEFF/, "");
  if (text.trim() === "") return false;
  try {
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/**
 * The exact refusal for a body: 415 for a type that is not JSON, 413 for more
 * than 16 KiB, else what the route says about its content (`otherwise`).
 * readJson checks the type first; readOptionalJson reads first (an empty body
 * of any type is "no options").
 */
function refusalFor({ body, contentType }: Send, otherwise: number[], options: { optional?: boolean } = {}): number[] {
  const tooLarge = byteLength(body) > MAX_BODY;
  if (options.optional) {
    if (tooLarge) return [413];
    if ((body ?? "").trim() !== "" && !isJsonType(contentType)) return [415];
    return otherwise;
  }
  if (!isJsonType(contentType)) return [415];
  if (tooLarge) return [413];
  return otherwise;
}

// ---- what every refusal must look like -----------------------------------------------------

const STACK_FRAME = /\\n\s+at |node_modules|webpack-internal|\.ts:\d+:\d+/;

function hasKey(value: unknown, key: string): boolean {
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([k, v]) => k === key || hasKey(v, key));
}

async function expectRefusal(response: Response, allowed: readonly number[]): Promise<void> {
  const text = await response.text();
  expect(allowed, `status ${response.status}: ${text.slice(0, 500)}`).toContain(response.status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  expect(errorStatus[body.error!.code as keyof typeof errorStatus]).toBe(response.status);
  expect(text).not.toMatch(STACK_FRAME);
  expect(hasKey(body, "stack")).toBe(false);
}

// ---- "nothing changed" ---------------------------------------------------------------------

async function fingerprint(): Promise<Record<string, unknown>> {
  const { db } = await getDb();
  const counts = [
    "users",
    "carts",
    "cart_items",
    "orders",
    "order_items",
    "payments",
    "refunds",
    "order_events",
    "ignored_events",
    "webhook_events",
    "emails",
  ];
  const [row] = await db.execute<Record<string, unknown>>(sql`select
    ${sql.raw(counts.map((t) => `(select count(*) from ${t})::int as ${t}`).join(", "))},
    (select count(*) from graphile_worker._private_jobs)::int as jobs,
    (select coalesce(sum(quantity), 0)::int from cart_items) as cart_quantity,
    (select string_agg(status, ',' order by id) from orders) as order_statuses,
    (select row(count(*), sum(stock_available), sum(stock_reserved), sum(stock_sold), sum(stock_received))::text from books) as stock`);
  return row!;
}

/** Runs one request and fails when any row count or stock counter moved. */
async function unchanged(call: () => Promise<Response>): Promise<Response> {
  const before = await fingerprint();
  const response = await call();
  expect(await fingerprint(), "the database changed").toEqual(before);
  return response;
}

// ---- generators ----------------------------------------------------------------------------

const awkward = fc.constantFrom(
  "",
  " ",
  "0",
  "-1",
  "-0",
  "1.5",
  "1e9",
  "1e400",
  "NaN",
  "Infinity",
  "0x10",
  "０１",
  "١",
  "99999999999999999999",
  "2147483648",
  "\u0000",
  "a\u0000b",
  "%00",
  "%",
  "_",
  "\\",
  "'; drop table users; --",
  "null",
  "undefined",
  "[]",
  "{}",
  "true",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "\u202e",
  "😀",
  "\uD800",
  "\uFEFF",
  "\r\n",
  "a".repeat(101),
  "é".repeat(60),
);
/** Control characters, NUL above all: Postgres cannot store U+0000 in text. */
const control = fc.string({ unit: fc.constantFrom("\u0000", "\u0001", "\t", "\n", "\r", "\u001b", "\u001f"), minLength: 1, maxLength: 3 });
const text = fc.oneof(
  { weight: 3, arbitrary: awkward },
  { weight: 2, arbitrary: control },
  fc.tuple(fc.string({ maxLength: 5 }), control, fc.string({ maxLength: 5 })).map((parts) => parts.join("")),
  fc.string(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ minLength: 90, maxLength: 400 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
);
/** Around the 16 KiB body limit, and far past it (~2 MB). */
const huge = fc
  .tuple(
    fc.constantFrom(MAX_BODY - 40, MAX_BODY - 20, MAX_BODY, MAX_BODY + 1, 100_000, 2_000_000),
    fc.constantFrom("a", "é", "😀", "\\", "\u0000"),
  )
  .map(([length, char]) => char.repeat(length));
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 50, 51, 1.5, 2 ** 31, 2 ** 53, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-9),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 3 }),
);
const invalidJson = fc.oneof(
  fc.constantFrom("{", "}", '{"a":}', "[1,]", "{'a':1}", "NaN", "undefined", '{"a":1}}', "\u0000", '{"quantity": 01}', '"\\x"', "//"),
  fc
    .jsonValue()
    .map((v) => JSON.stringify(v))
    .chain((t) => fc.nat(t.length).map((n) => `${t.slice(0, n)}\u0000${t.slice(n)}`)),
  fc.string(),
);
const contentType = fc.option(
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "",
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/problem+json",
    "*/*",
    "text/html",
  ),
  { nil: undefined },
);
/** A body for a route whose schema has these fields: right fields with wrong values, anything JSON, broken JSON, huge. */
function bodyFor(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Send> {
  const shaped = fc.record(Object.fromEntries(Object.entries(fields).map(([k, good]) => [k, fc.oneof(good, value)])), { requiredKeys: [] });
  const bodyText = fc.oneof(
    { weight: 4, arbitrary: shaped.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: invalidJson },
    { weight: 1, arbitrary: huge.map((h) => JSON.stringify({ ...Object.fromEntries(Object.keys(fields).map((k) => [k, h])) })) },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc.record({ body: bodyText, contentType });
}

const printable = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((c) => c !== 0x7f)
  .map((c) => String.fromCharCode(c));
const headerValue = fc.oneof(
  fc.string({ unit: printable, maxLength: 120 }),
  fc.stringMatching(/^[\w.:-]{1,100}$/),
  fc.stringMatching(/^[\w.:-]{101,140}$/),
  fc.constantFrom("", " ", "a b", "key\u00e9", "../..", "1".repeat(100), "1".repeat(101)),
);
/** 36 characters that pass the routes' /^[0-9a-f-]{36}$/i pre-check without being a UUID (shrinks to 36 zeros). */
const hex36 = fc.array(fc.constantFrom(..."0123456789abcdefABCDEF-"), { minLength: 36, maxLength: 36 }).map((chars) => chars.join(""));
const digits = fc.oneof(
  fc.nat().map(String),
  fc.stringMatching(/^\d{1,12}$/),
  fc.constantFrom("0", "00", "000000001", "999999999", "1000000000", "2147483648"),
);

// ---- the world the fuzzer pokes at ---------------------------------------------------------

let shopper: SessionUser;
let admin: SessionUser;
let bookIds: number[];
let foreignOrders: string[];
let emptyCartId: string;
let logs: ReturnType<typeof captureLogs>;

async function sessionUser(role: "customer" | "admin"): Promise<SessionUser> {
  const id = await createUser(role);
  return { id, email: `${id}@test.example`, name: "Fuzz", role };
}

beforeAll(async () => {
  // Refusals and the bugs under test log by design; keep the run quiet.
  logs = captureLogs("error");
  shopper = await sessionUser("customer");
  admin = await sessionUser("admin");
  const book = await createBook(5);
  await createBook(0);
  const other = await createUser();
  const { orderId } = await placeOrder({ userId: other, items: [{ bookId: book, quantity: 1 }] });
  const { db } = await getDb();
  bookIds = (await db.execute<{ id: number }>(sql`select id from books`)).map((r) => r.id);
  foreignOrders = (await db.execute<{ id: string }>(sql`select id from orders`)).map((r) => r.id);
  expect(foreignOrders).toContain(orderId);
  emptyCartId = await createCart(null);
});

afterAll(async () => {
  await flushOperations();
  logs.stop();
});

const existingBookId = () => fc.constantFrom(...bookIds);
const knownBook = (id: string) => /^\d{1,9}$/.test(id) && bookIds.includes(Number(id));

// ---- properties ----------------------------------------------------------------------------

describe("fuzz: catalog", () => {
  it("GET /api/books answers 200 exactly when the query is valid, else 400; never 5xx", async () => {
    const entry = fc.tuple(
      fc.constantFrom("q", "genre", "page", "pageSize", "other"),
      fc.oneof(
        text,
        digits,
        huge.map((h) => h.slice(0, 5000)),
      ),
    );
    const field = (value: fc.Arbitrary<string>) => fc.option(value, { nil: undefined, freq: 2 });
    const toQuery = (f: Record<string, string | undefined>) =>
      `?${new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => e[1] !== undefined))}`;
    // Search text alone is mostly valid, so it reaches the database.
    const search = fc.record({ q: field(text), genre: field(text) });
    const fields = fc.record({
      q: field(text),
      genre: field(text),
      page: field(fc.oneof(digits, text)),
      pageSize: field(fc.oneof(digits, text)),
    });
    const query = fc.oneof(
      search.map(toQuery),
      fields.map(toQuery),
      fc.array(entry, { maxLength: 6 }).map((entries) => `?${new URLSearchParams(entries)}`),
      fc.string({ unit: printable }).map((raw) => `?${raw}`),
    );
    await fc.assert(
      fc.asyncProperty(query, async (queryString) => {
        const url = `http://localhost/api/books${queryString.replaceAll("#", "%23")}`;
        const isValid = bookQuerySchema.safeParse(searchParamsObject(url)).success;
        const response = await unchanged(() => booksRoute(new Request(url), undefined));
        if (!isValid) return expectRefusal(response, [400]);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(expect.objectContaining({ items: expect.any(Array), total: expect.any(Number) }));
      }),
    );
  });

  it("GET /api/books/:id answers 404 for every id that names no book", async () => {
    const id = fc.oneof(
      text,
      digits,
      existingBookId().map(String),
      existingBookId().map((n) => `0${n}`),
      huge,
    );
    await fc.assert(
      fc.asyncProperty(id, async (raw) => {
        const response = await unchanged(() => bookRoute(request("GET", "/api/books/x"), params("id", raw)));
        if (!knownBook(raw)) return expectRefusal(response, [404]);
        expect(response.status).toBe(200);
      }),
    );
  });
});

describe("fuzz: accounts", () => {
  const registerBody = bodyFor({
    email: fc.emailAddress(),
    password: fc.string({ minLength: 8, maxLength: 12 }),
    name: fc.string({ minLength: 1, maxLength: 8 }),
  });

  it("POST /api/register refuses every body its schema (or content type) refuses, and stores nothing", async () => {
    as(null);
    await fc.assert(
      fc.asyncProperty(
        registerBody.filter((send) => !isAccepted(registerSchema, send)),
        async (send) => {
          const response = await unchanged(() => registerRoute(request("POST", "/api/register", send), undefined));
          await expectRefusal(response, refusalFor(send, [400]));
        },
      ),
    );
  });

  it("POST /api/register refuses text Postgres cannot store (NUL) with a 4xx", async () => {
    const withNul = fc.tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })).map(([a, b]) => `N${a}\u0000${b}`);
    await fc.assert(
      fc.asyncProperty(fc.emailAddress(), withNul, async (email, name) => {
        const body = JSON.stringify({ email, password: "long enough", name });
        const response = await unchanged(() =>
          registerRoute(request("POST", "/api/register", { body, contentType: "application/json" }), undefined),
        );
        await expectRefusal(response, [400]);
      }),
      { numRuns: 20 },
    );
  });
});

describe("fuzz: cart", () => {
  const bookIdValue = fc.oneof(fc.integer({ min: 1 }), fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, 1e15), fc.maxSafeNat());
  const addBody = bodyFor({ bookId: bookIdValue, quantity: fc.integer({ min: -2, max: 52 }) });
  const knownLine = (send: Send) =>
    isAccepted(addItemSchema, send) && bookIds.includes((JSON.parse(send.body!.replace(/^\uFEFF/, "")) as { bookId: number }).bookId);

  it("POST /api/cart/items refuses bad bodies and unknown books, and the cart stays as it was", async () => {
    as(null);
    await fc.assert(
      fc.asyncProperty(
        addBody.filter((send) => !knownLine(send)),
        async (send) => {
          fake.cookies = new Map([[CART_COOKIE, emptyCartId]]);
          const response = await unchanged(() => addItemRoute(request("POST", "/api/cart/items", send), undefined));
          await expectRefusal(response, refusalFor(send, [400, 404]));
        },
      ),
    );
  });

  it("POST /api/cart/items from a first-time visitor (no cookie) for an unknown book creates no cart", async () => {
    as(null);
    const unknownBook = fc.integer({ min: 1, max: 2 ** 31 - 1 }).filter((id) => !bookIds.includes(id));
    await fc.assert(
      fc.asyncProperty(unknownBook, fc.integer({ min: 1, max: 50 }), async (bookId, quantity) => {
        fake.cookies = new Map();
        const body = JSON.stringify({ bookId, quantity });
        const response = await unchanged(() =>
          addItemRoute(request("POST", "/api/cart/items", { body, contentType: "application/json" }), undefined),
        );
        await expectRefusal(response, [404]);
      }),
      { numRuns: 20 },
    );
  });

  it("PATCH and DELETE /api/cart/items/:bookId refuse every line that is not in the cart", async () => {
    as(null);
    const bookId = fc.oneof(text, digits, existingBookId().map(String), huge);
    const setBody = bodyFor({ quantity: fc.integer({ min: -2, max: 52 }) });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("PATCH", "DELETE"), bookId, setBody, async (method, id, send) => {
        fake.cookies = new Map([[CART_COOKIE, emptyCartId]]);
        const handler = method === "PATCH" ? setLineRoute : removeLineRoute;
        const response = await unchanged(() => handler(request(method, "/api/cart/items/x", send), params("bookId", id)));
        await expectRefusal(response, method === "PATCH" ? refusalFor(send, [400, 404]) : [404]);
      }),
    );
  });

  it("any cart cookie value: GET /api/cart is an empty cart, PATCH/DELETE a 404", async () => {
    as(null);
    const cookie = fc.oneof(
      text,
      hex36,
      fc.uuid(),
      huge.map((h) => h.slice(0, 4000)),
    );
    await fc.assert(
      fc.asyncProperty(cookie, fc.constantFrom("GET", "PATCH", "DELETE"), existingBookId(), async (value, method, bookId) => {
        fake.cookies = new Map([[CART_COOKIE, value]]);
        const context = params("bookId", String(bookId));
        const response = await unchanged(() =>
          method === "GET"
            ? cartRoute(request("GET", "/api/cart"), undefined)
            : method === "PATCH"
              ? setLineRoute(request("PATCH", "/api/cart/items/x", { body: '{"quantity":1}', contentType: "application/json" }), context)
              : removeLineRoute(request("DELETE", "/api/cart/items/x"), context),
        );
        if (method !== "GET") return expectRefusal(response, [404]);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(expect.objectContaining({ items: [] }));
      }),
    );
  });
});

describe("fuzz: checkout and orders", () => {
  it("POST /api/checkout with an empty cart: a bad body (optional, { partial }) is 415/413/400, a good one 400; nothing changes", async () => {
    as(shopper);
    await fc.assert(
      fc.asyncProperty(fc.option(headerValue, { nil: undefined }), bodyFor({ partial: fc.boolean() }), async (key, send) => {
        const headers: Record<string, string> = key === undefined ? {} : { "idempotency-key": key };
        const response = await unchanged(() => checkoutRoute(request("POST", "/api/checkout", { ...send, headers }), undefined));
        const badKey = key !== undefined && !/^[\w.:-]{1,100}$/.test(key);
        await expectRefusal(response, badKey ? [400] : refusalFor(send, [400], { optional: true }));
      }),
    );
  });

  it("POST /api/checkout as a guest (no session): a bad body is 415/413/400, a good one with an empty or missing cart 400; nothing changes", async () => {
    as(null);
    await fc.assert(
      fc.asyncProperty(
        fc.option(headerValue, { nil: undefined }),
        bodyFor({ email: fc.emailAddress(), partial: fc.boolean() }),
        fc.boolean(),
        async (key, send, withCart) => {
          fake.cookies = new Map(withCart ? [[CART_COOKIE, emptyCartId]] : []);
          const headers: Record<string, string> = key === undefined ? {} : { "idempotency-key": key };
          const response = await unchanged(() => checkoutRoute(request("POST", "/api/checkout", { ...send, headers }), undefined));
          // A malformed Idempotency-Key is refused before the body is read.
          const badKey = key !== undefined && !/^[\w.:-]{1,100}$/.test(key);
          await expectRefusal(response, badKey ? [400] : refusalFor(send, [400]));
          fake.cookies = new Map();
        },
      ),
    );
  });

  it("a guest cookie opens only its own order with its own token: any other token, or any other order, is 404 and changes nothing", async () => {
    as(null);
    const routes = [
      (id: string) => orderRoute(request("GET", "/api/orders/x"), params("id", id)),
      (id: string) => paymentsRoute(request("POST", "/api/orders/x/payments"), params("id", id)),
      (id: string) => cancelRoute(request("POST", "/api/orders/x/cancel"), params("id", id)),
      (id: string) => refundRoute(request("POST", "/api/orders/x/refund"), params("id", id)),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom(...foreignOrders),
        fc.oneof(
          text,
          fc.constantFrom(...foreignOrders).map((o) => guestToken(o)),
          fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        ),
        async (route, orderId, token) => {
          // Another order's token, not this one's: two draws of the same guest order would open it, rightly.
          fc.pre(token !== guestToken(orderId));
          fake.cookies = new Map([[guestCookieName(orderId), token]]);
          const response = await unchanged(() => route(orderId));
          // An empty cookie is no cookie: signed out, that asks to sign in (401); any other token opens nothing (404).
          await expectRefusal(response, [token === "" ? 401 : 404]);
          fake.cookies = new Map();
        },
      ),
    );
  });

  it("GET /api/orders/:id and POST …/payments|cancel|refund: 404 for every id that is not the shopper's order", async () => {
    as(shopper);
    const id = fc.oneof(
      text,
      hex36,
      fc.uuid(),
      fc.constantFrom(...foreignOrders),
      fc.constantFrom(...foreignOrders).map((o) => o.toUpperCase()),
      huge,
    );
    const action = fc.constantFrom("get", "payments", "cancel", "refund");
    const refundBody = bodyFor({ reason: fc.string({ maxLength: 600 }) });
    await fc.assert(
      fc.asyncProperty(action, id, refundBody, async (name, orderId, send) => {
        const context = params("id", orderId);
        const response = await unchanged(() => {
          if (name === "get") return orderRoute(request("GET", "/api/orders/x"), context);
          if (name === "payments") return paymentsRoute(request("POST", "/api/orders/x/payments", send), context);
          if (name === "cancel") return cancelRoute(request("POST", "/api/orders/x/cancel", send), context);
          return refundRoute(request("POST", "/api/orders/x/refund", send), context);
        });
        await expectRefusal(response, name === "refund" ? refusalFor(send, [400, 404], { optional: true }) : [404]);
      }),
    );
  });
});

describe("fuzz: operators", () => {
  const isKnownOrder = (id: string) => foreignOrders.includes(id.toLowerCase());

  it("POST /api/admin/books/:id/stock refuses bad bodies and unknown books, and no counter moves", async () => {
    as(admin);
    const id = fc.oneof(text, digits, existingBookId().map(String), huge);
    const action = fc.constantFrom("receive", "write_off", "RECEIVE", "write-off", "");
    const copies = fc.oneof(fc.integer({ min: -3, max: 100_003 }), fc.constantFrom(0, 1, 100_000, 100_001, 1.5, 2 ** 31));
    const body = bodyFor({ action, copies });
    await fc.assert(
      fc.asyncProperty(id, body, async (bookId, send) => {
        fc.pre(!(knownBook(bookId) && isAccepted(stockChangeSchema, send)));
        const response = await unchanged(() => stockRoute(request("POST", "/api/admin/books/x/stock", send), params("id", bookId)));
        // The id is checked before the body is read; a valid body counts against the operator's stock limit (120 in 10 minutes).
        await expectRefusal(response, bookIdSchema.safeParse(bookId).success ? refusalFor(send, [400, 404, 429]) : [404]);
      }),
    );
  });

  it("POST /api/admin/orders/:id/refund|fulfil: 4xx for every id that names no order", async () => {
    as(admin);
    const id = fc.oneof(text, hex36, fc.uuid(), huge).filter((o) => !isKnownOrder(o));
    const body = bodyFor({ reason: fc.string({ maxLength: 600 }) });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("refund", "fulfil"), id, body, async (name, orderId, send) => {
        const handler = name === "refund" ? adminRefundRoute : adminFulfilRoute;
        const response = await unchanged(() => handler(request("POST", `/api/admin/orders/x/${name}`, send), params("id", orderId)));
        // Both count against an operator's limit before the lookup (fulfil 60, refund 120 in 10 minutes).
        await expectRefusal(response, refusalFor(send, [400, 404, 429], { optional: true }));
      }),
    );
  });

  it("POST /api/admin/orders/:id/refund-paid-outside: 4xx for every body and every id that names no order", async () => {
    as(admin);
    // Ids that name no order (a refusal on a known order is an audit row: lib/orders/outside-refunds.test.ts covers its 409).
    const id = fc.oneof(text, hex36, fc.uuid(), huge).filter((o) => !isKnownOrder(o));
    const body = bodyFor({ refundId: fc.oneof(fc.uuid(), text), reference: fc.oneof(fc.string({ maxLength: 220 }), text) });
    await fc.assert(
      fc.asyncProperty(id, body, async (orderId, send) => {
        const response = await unchanged(() =>
          paidOutsideRoute(request("POST", "/api/admin/orders/x/refund-paid-outside", send), params("id", orderId)),
        );
        // The body is read first (400); a valid one counts against the operator's order-change limit (120 in 10 minutes).
        await expectRefusal(response, refusalFor(send, [400, 404, 429]));
      }),
    );
  });

  it("GET /api/admin/orders answers 200 exactly when status/from/to are valid, else 400", async () => {
    as(admin);
    const day = fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    const boundaryDay = fc.constantFrom(
      "1970-01-01",
      "2024-02-29",
      "2023-02-29",
      "2024-02-30",
      "2024-04-31",
      "0000-01-01",
      "9999-12-31",
      "2024-1-01",
    );
    const status = fc.oneof(fc.constantFrom("created", "paid", "cancelled", "refunded", "fulfilled", "PAID", ""), text);
    const filter = fc.record(
      { status, from: fc.oneof(day, boundaryDay, text), to: fc.oneof(day, boundaryDay, text) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filter, async (f) => {
        const url = `http://localhost/api/admin/orders?${new URLSearchParams(f)}`;
        const isValid = adminOrderFilterSchema.safeParse(searchParamsObject(url)).success;
        const response = await unchanged(() => adminOrdersRoute(new Request(url), undefined));
        if (!isValid) return expectRefusal(response, [400]);
        const text = await response.text();
        expect(response.status, text.slice(0, 300)).toBe(200);
      }),
    );
  });
});

describe("fuzz: sessions", () => {
  it("without a session, or as a customer on operator routes, every protected route refuses before reading input", async () => {
    // (POST /api/checkout is open to guests: "fuzz: checkout and orders" covers it without a session.)
    const routes = {
      order: (id: string) => orderRoute(request("GET", "/api/orders/x"), params("id", id)),
      payments: (id: string) => paymentsRoute(request("POST", "/api/orders/x/payments"), params("id", id)),
      cancel: (id: string) => cancelRoute(request("POST", "/api/orders/x/cancel"), params("id", id)),
      refund: (id: string, send: Send) => refundRoute(request("POST", "/api/orders/x/refund", send), params("id", id)),
      stock: (id: string, send: Send) => stockRoute(request("POST", "/api/admin/books/x/stock", send), params("id", id)),
      adminRefund: (id: string, send: Send) => adminRefundRoute(request("POST", "/api/admin/orders/x/refund", send), params("id", id)),
      adminFulfil: (id: string) => adminFulfilRoute(request("POST", "/api/admin/orders/x/fulfil"), params("id", id)),
      adminPaidOutside: (id: string, send: Send) =>
        paidOutsideRoute(request("POST", "/api/admin/orders/x/refund-paid-outside", send), params("id", id)),
      adminOrders: () => adminOrdersRoute(request("GET", "/api/admin/orders?status=paid"), undefined),
    };
    const operatorOnly = new Set(["stock", "adminRefund", "adminFulfil", "adminPaidOutside", "adminOrders"]);
    const id = fc.oneof(text, fc.constantFrom(...foreignOrders), existingBookId().map(String));
    const body = fc.oneof(
      bodyFor({}),
      fc.constant({ body: JSON.stringify({ action: "receive", copies: 5 }), contentType: "application/json" }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(routes) as (keyof typeof routes)[])),
        fc.boolean(),
        id,
        body,
        async (name, isCustomer, target, send) => {
          const isOperatorRoute = operatorOnly.has(name);
          as(isCustomer && isOperatorRoute ? shopper : null);
          const response = await unchanged(() => routes[name](target, send));
          await expectRefusal(response, [isOperatorRoute ? 404 : 401]);
        },
      ),
    );
  });
});

describe("fuzz: gateway", () => {
  it("POST /api/webhooks/stripe answers 400 to every body without a valid signature (413 when over its size limit)", async () => {
    const now = () => Math.floor(Date.now() / 1000);
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.constant(JSON.stringify({ id: "evt_fuzz", object: "event", type: "checkout.session.completed", data: { object: {} } })),
      invalidJson,
      huge,
    );
    const signature = fc.oneof(
      fc.constant<string | null>(null),
      headerValue,
      fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.stringMatching(/^[0-9a-f]{64}$/)).map(([t, v]) => `t=${t},v1=${v}`),
      fc.constantFrom("t=,v1=", "v1=", "t=1", ",,,", "t=1,v0=abc", `t=${now()},v1=`),
    );
    const forgery = fc.constantFrom("header", "wrong secret", "other body", "stale");
    await fc.assert(
      fc.asyncProperty(body, forgery, signature, async (payload, how, header) => {
        const build = () => {
          if (how === "wrong secret") return signedRequest(payload, { secret: "whsec_fuzz_wrong" });
          if (how === "other body")
            return signedRequest(payload, { signature: signedRequest(`${payload} `).headers.get("stripe-signature") });
          if (how === "stale") return signedRequest(payload, { secret: webhookSecret(), timestamp: now() - 301 });
          return signedRequest(payload, { signature: header });
        };
        const response = await unchanged(() => webhookRoute(build()));
        // Too large is refused before the signature is looked at.
        await expectRefusal(response, byteLength(payload) > MAX_WEBHOOK_BODY_BYTES ? [413] : [400]);
      }),
    );
  });

  it("POST /api/webhooks/stripe answers 400 to a correctly signed body that is not an event (no object with id and type)", async () => {
    const notAnEvent = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== "object" || v === null || Array.isArray(v)),
      fc
        .dictionary(fc.constantFrom("id", "object", "data", "created", "livemode"), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 })
        .filter((v) => !("id" in v)),
      fc
        .dictionary(fc.constantFrom("type", "object", "data", "created"), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 })
        .filter((v) => !("type" in v)),
    );
    await fc.assert(
      fc.asyncProperty(notAnEvent, async (event) => {
        const response = await unchanged(() => webhookRoute(signedRequest(JSON.stringify(event))));
        await expectRefusal(response, [400]);
      }),
      { numRuns: 50 },
    );
  });
});

describe("fuzz: operation log", () => {
  it("a refused request with a bad order id does not cost the operation log the rows buffered with it", async () => {
    as(shopper);
    const { db } = await getDb();
    const operationCount = async () => (await db.execute<{ n: number }>(sql`select count(*)::int as n from operations`))[0]!.n;
    const handlers = { cancel: cancelRoute, refund: refundRoute, payments: paymentsRoute };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("cancel", "refund", "payments" as const), fc.oneof(text, fc.uuid()), async (name, orderId) => {
        await flushOperations();
        const before = await operationCount();
        await handlers[name](request("POST", `/api/orders/x/${name}`), params("id", orderId));
        // One successful, instrumented lookup that must reach the log.
        expect((await bookRoute(request("GET", "/api/books/x"), params("id", String(bookIds[0])))).status).toBe(200);
        await flushOperations();
        expect(await operationCount()).toBeGreaterThan(before);
      }),
      { numRuns: 50 },
    );
  });
});
