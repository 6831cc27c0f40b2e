// Requests for calling a route handler directly in a test (app/api/**/route.ts).

/** A POST with a JSON body (`raw`: the body text as sent, malformed JSON say). */
export function jsonPost(body?: unknown, raw?: string): Request {
  return new Request("http://localhost/api/x", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
}

/** The second argument of a handler under `[id]`. */
export function idParams(id: string): { params: Promise<{ id: string }> } {
  return { params: Promise.resolve({ id }) };
}
