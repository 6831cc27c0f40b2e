// The production server: `npm run serve` (PORT, HOST), or `node scripts/serve.mjs
// -p 3000 -H 127.0.0.1`; the container image runs this same file in Next's
// standalone tree (scripts/build-standalone.ts). Next's own request
// handler for everything (pages, API, proxy.ts, instrumentation), except the
// build's immutable JavaScript and CSS, which it sends Brotli-compressed to
// browsers that accept it (every current one does). `next start` only gzips:
// on the catalog that is 138 KB of JavaScript against 118 KB with Brotli, and
// the budget is 120 KB. Plain JavaScript so it runs without a TypeScript loader.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { Histogram, Registry } from "prom-client";
import { parseTrustedProxyHops, setForwardedFor } from "./lib/forwarded-for.mjs";

import { loadBuiltConfig } from "./lib/built-config.mjs";
import { loadRouteLabeller } from "./lib/route-label.mjs";

// `next start` sets this; a custom server must, before Next (and React) load.
process.env.NODE_ENV = "production";
const config = loadBuiltConfig();
const { default: next } = await import("next");

// Flags first, then PORT and HOST (read here: this file runs without lib/env.ts).
const args = process.argv.slice(2);
const flag = (name) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const port = Number(flag("-p") ?? flag("--port") ?? process.env.PORT ?? 3000);
const hostname = flag("-H") ?? flag("--hostname") ?? (process.env.HOST || undefined);

const staticDir = path.resolve(".next/static");
const types = { ".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
/** @type {Map<string, Promise<Buffer | null>>} Built files never change while this process runs. */
const compressed = new Map();

function brotliFile(file) {
  let entry = compressed.get(file);
  if (!entry) {
    entry = readFile(file)
      .then((body) =>
        brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      )
      .catch(() => null);
    compressed.set(file, entry);
  }
  return entry;
}

/** Sends /_next/static/**.js|css as Brotli when the browser accepts it; false to let Next answer. */
async function sendBrotliAsset(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!url.pathname.startsWith("/_next/static/")) return false;
  const type = types[path.extname(url.pathname)];
  if (!type || !/\bbr\b/.test(String(req.headers["accept-encoding"] ?? ""))) return false;
  const file = path.join(staticDir, decodeURIComponent(url.pathname.slice("/_next/static/".length)));
  if (!file.startsWith(`${staticDir}${path.sep}`)) return false;
  const body = await brotliFile(file);
  if (!body) return false;
  res.writeHead(200, {
    "Content-Type": type,
    "Content-Encoding": "br",
    "Content-Length": body.length,
    Vary: "Accept-Encoding",
    "Cache-Control": "public, max-age=31536000, immutable",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}

// HTTP latency for GET /api/metrics: the app's registry lives on globalThis (lib/observability/metrics.ts).
globalThis.__bookstoreRegistry ??= new Registry();
const httpDuration = new Histogram({
  name: "bookstore_http_request_duration_seconds",
  help: "HTTP requests by method, route (ids folded) and status",
  labelNames: ["method", "route", "status"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [globalThis.__bookstoreRegistry],
});

const routeOf = loadRouteLabeller();

function timed(req, res) {
  const stop = httpDuration.startTimer();
  res.once("finish", () => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    stop({ method: req.method ?? "GET", route: routeOf(pathname), status: String(res.statusCode) });
  });
}

let trustedProxyHops;
try {
  trustedProxyHops = parseTrustedProxyHops(process.env.TRUSTED_PROXY_HOPS);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const app = next({ dev: false, dir: process.cwd(), conf: config, port, hostname: hostname ?? "localhost" });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  // The client's address as the app will see it: never what the client wrote (lib/http/client-address.ts).
  setForwardedFor(req, trustedProxyHops);
  timed(req, res);
  sendBrotliAsset(req, res)
    .then((sent) => (sent ? undefined : handle(req, res)))
    .catch((error) => {
      console.error("request failed", error);
      if (!res.headersSent) res.writeHead(500).end();
    });
});
server.listen(port, hostname, () => console.log(`Paperleaf Books listening on http://${hostname ?? "localhost"}:${port}`));
