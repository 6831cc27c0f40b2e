// npx tsx bench/page-weight.ts [base URL] – the JavaScript each page loads on
// first visit, as the server sends it with Brotli (what browsers get from
// scripts/serve.mjs) and with gzip only (what `next start` would send), and
// the ratio between them. Needs a running production server (npm start).

import { get } from "node:http";

const base = (process.argv[2] ?? "http://localhost:3000").replace(/\/$/, "");
const pages = ["/", "/books/1", "/cart", "/signin"];

async function scriptsOf(path: string): Promise<string[]> {
  const html = await (await fetch(`${base}${path}`)).text();
  // noModule scripts are legacy polyfills that current browsers skip.
  const tags = [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]).filter((tag) => !/nomodule/i.test(tag));
  return [...new Set(tags.map((tag) => /src="([^"]+\.js[^"]*)"/.exec(tag)?.[1]).filter((src): src is string => !!src))];
}

/** Bytes on the wire for one script (node:http does not decode, unlike fetch). */
function encodedSize(src: string, encoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(new URL(src, base), { headers: { "accept-encoding": encoding } }, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () => resolve(bytes));
    });
    request.on("error", reject);
  });
}

const rows: string[][] = [["page", "scripts", "brotli KB", "gzip KB", "brotli / gzip", "catalog budget 120 KB"]];
for (const path of pages) {
  const scripts = await scriptsOf(path);
  let brotli = 0;
  let gzip = 0;
  for (const src of scripts) {
    brotli += await encodedSize(src, "br, gzip");
    gzip += await encodedSize(src, "gzip");
  }
  rows.push([
    path,
    String(scripts.length),
    (brotli / 1024).toFixed(1),
    (gzip / 1024).toFixed(1),
    (brotli / gzip).toFixed(3),
    path !== "/" ? "—" : brotli <= 120 * 1024 ? "within" : "OVER",
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
