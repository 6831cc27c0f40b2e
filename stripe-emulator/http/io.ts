import type { IncomingMessage, ServerResponse } from "node:http";

// Small request/response helpers over node:http.

const MAX_BODY_BYTES = 1_000_000;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLargeError("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRaw(res, status, JSON.stringify(body, null, 2), { "content-type": "application/json", ...headers });
}

export function sendRaw(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { "cache-control": "no-store", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  sendRaw(res, status, html, { "content-type": "text/html; charset=utf-8" });
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, "content-length": 0 });
  res.end();
}

/** Control and dashboard routes are for this machine only. */
export function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? "";
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1" || address.startsWith("127.");
}

export type Route<H> = { method: string; pattern: RegExp; handler: H };

/** First route whose method and pattern match; captures are the path params. */
export function matchRoute<H>(routes: Route<H>[], method: string, path: string): { handler: H; params: string[] } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { handler: route.handler, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return null;
}
