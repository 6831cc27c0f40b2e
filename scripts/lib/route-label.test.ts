import { describe, expect, it } from "vitest";
import { OTHER_ROUTE, routeLabeller } from "./route-label.mjs";

// Routes as `next build` writes them to .next/routes-manifest.json.
const manifest = {
  staticRoutes: [
    { page: "/", regex: "^/(?:/)?$" },
    { page: "/api/checkout", regex: "^/api/checkout(?:/)?$" },
    { page: "/books/search", regex: "^/books/search(?:/)?$" },
  ],
  dynamicRoutes: [
    { page: "/api/auth/[...nextauth]", regex: "^/api/auth/(.+?)(?:/)?$" },
    { page: "/api/orders/[id]/payments", regex: "^/api/orders/([^/]+?)/payments(?:/)?$" },
    { page: "/books/[id]", regex: "^/books/([^/]+?)(?:/)?$" },
  ],
};

describe("the HTTP metric's route label", () => {
  const label = routeLabeller(manifest);

  it("names the route a path belongs to, its parameters as :name", () => {
    expect(label("/")).toBe("/");
    expect(label("/api/checkout")).toBe("/api/checkout");
    expect(label("/api/checkout/")).toBe("/api/checkout");
    expect(label("/api/orders/5b1c0e9e-1f0a-4a3b-9a51-0d2c6e7f8a90/payments")).toBe("/api/orders/:id/payments");
    expect(label("/api/auth/callback/credentials")).toBe("/api/auth/:nextauth*");
    expect(label("/books/search")).toBe("/books/search");
    expect(label("/books/the-left-hand-of-darkness")).toBe("/books/:id");
    expect(label("/_next/static/chunks/app.js")).toBe("/_next/*");
  });

  // A security audit's find: the path itself was the label, so every distinct path a client
  // sent made a series of its own, kept for good and listed in every scrape.
  it("gives every path no route serves one label, however many a client sends", () => {
    const labels = new Set(Array.from({ length: 1_000 }, (_, i) => label(`/probe-${i}/wp-login.php`)));
    labels.add(label("/admin-anything/x/y"));
    expect([...labels]).toEqual([OTHER_ROUTE]);
  });

  it("without a manifest (no build) every path is (other), never its own series", () => {
    expect(routeLabeller({})("/api/checkout")).toBe(OTHER_ROUTE);
  });
});
