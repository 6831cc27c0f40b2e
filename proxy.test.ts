import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { config } from "./proxy";

// public/ holds static files served as they are. They skip proxy.ts (no session, CSP nonce or body
// check to do for them), while every page and API route still runs through it.

const matcher = new RegExp(`^${config.matcher[0]}$`);
const publicFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? publicFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );

describe("proxy.ts's matcher", () => {
  it("leaves out every file in public/ and Next's built assets", () => {
    const files = publicFiles("public").map((file) => `/${path.relative("public", file).split(path.sep).join("/")}`);
    expect(files).toContain("/robots.txt");
    for (const file of files) expect(matcher.test(file), file).toBe(false);
    expect(matcher.test("/_next/static/chunks/app.js")).toBe(false);
  });

  it("runs for every page and API route", () => {
    for (const route of [
      "/",
      "/books/1",
      "/cart",
      "/checkout",
      "/admin/orders",
      "/api/orders",
      "/api/webhooks/stripe",
      "/api/auth/csrf",
      "/icon.svg",
    ]) {
      expect(matcher.test(route), route).toBe(true);
    }
  });
});
