import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// docs/API.md is the HTTP contract: it must name every route handler under app/api with each of
// its methods, and name nothing that does not exist, so it cannot drift from the code.

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** `app/api/orders/[id]/cancel/route.ts` → `/api/orders/:id/cancel`; a catch-all `[...x]` → `*`. */
function routePath(file: string): string {
  const segments = path.dirname(file).split(path.sep).slice(1);
  return `/${segments.map((s) => (s.startsWith("[...") ? "*" : s.replace(/^\[(.+)\]$/, ":$1"))).join("/")}`;
}

/** The HTTP methods a route module exports (`export const GET`, `function POST`, `export async function …`). */
function exportedMethods(source: string): string[] {
  return METHODS.filter((m) => new RegExp(`export\\s+(?:const|(?:async\\s+)?function)\\s+${m}\\b`).test(source));
}

/** Every `METHOD /api/…` (or `GET|POST /api/…`) the document names in code spans, as "METHOD path". */
function documentedRoutes(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const [, methods, route] of markdown.matchAll(
    /`((?:GET|POST|PUT|PATCH|DELETE)(?:\|(?:GET|POST|PUT|PATCH|DELETE))*) (\/api\/[^`?\s]*)/g,
  )) {
    for (const method of methods!.split("|")) found.add(`${method} ${route}`);
  }
  return found;
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

const implemented = new Set(
  routeFiles("app/api").flatMap((file) => exportedMethods(readFileSync(file, "utf8")).map((m) => `${m} ${routePath(file)}`)),
);
const documented = documentedRoutes(readFileSync("docs/API.md", "utf8"));

describe("docs/API.md", () => {
  it("finds the route handlers it checks", () => {
    // The scan itself must work, or the checks below would pass on nothing.
    expect(implemented).toContain("POST /api/webhooks/stripe");
    expect(implemented).toContain("PATCH /api/cart/items/:bookId");
    expect(implemented).toContain("GET /api/auth/*");
    expect(implemented.size).toBeGreaterThan(20);
  });

  it("documents every route and method under app/api", () => {
    expect([...implemented].filter((r) => !documented.has(r)).sort()).toEqual([]);
  });

  it("documents no route or method that does not exist", () => {
    // A path under a catch-all (`GET /api/auth/csrf` under `GET /api/auth/*`) is that route's.
    const exists = (r: string) => implemented.has(r) || [...implemented].some((i) => i.endsWith("/*") && r.startsWith(i.slice(0, -1)));
    expect([...documented].filter((r) => !exists(r)).sort()).toEqual([]);
  });

  it("reads paths, methods and documented names the way the checks need", () => {
    expect(routePath(path.join("app", "api", "orders", "[id]", "cancel", "route.ts"))).toBe("/api/orders/:id/cancel");
    expect(routePath(path.join("app", "api", "auth", "[...nextauth]", "route.ts"))).toBe("/api/auth/*");
    expect(
      exportedMethods("export const GET = route(…);\nexport async function POST() {}\nexport function DELETE() {}\nconst PATCH = 1;"),
    ).toEqual(["GET", "POST", "DELETE"]);
    expect([
      ...documentedRoutes("### `GET|POST /api/auth/*` x\n| `DELETE /api/cart/items/:bookId` |\n`GET /api/books?q=` and `/api/webhooks/*`"),
    ]).toEqual(["GET /api/auth/*", "POST /api/auth/*", "DELETE /api/cart/items/:bookId", "GET /api/books"]);
  });
});
