import { randomUUID } from "node:crypto";
import { request, type APIRequestContext } from "@playwright/test";

export const baseURL = `http://localhost:${process.env.E2E_PORT ?? 3100}`;

/**
 * An HTTP client with its own cookie jar, sending our Origin like a browser would, and an
 * address of its own: the e2e server trusts one proxy hop (scripts/e2e-server.ts), which the
 * client plays by sending X-Forwarded-For.
 */
export async function client(options: { origin?: string | null; ip?: string } = {}): Promise<APIRequestContext> {
  const headers: Record<string, string> = {};
  if (options.origin !== null) headers.Origin = options.origin ?? baseURL;
  headers["X-Forwarded-For"] = options.ip ?? `127.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.1`;
  return request.newContext({ baseURL, extraHTTPHeaders: headers });
}

export async function register(api: APIRequestContext, overrides: Partial<{ email: string; password: string; name: string }> = {}) {
  const body = {
    email: `shopper-${randomUUID().slice(0, 8)}@example.com`,
    password: "correct horse battery",
    name: "Robin Reader",
    ...overrides,
  };
  const response = await api.post("/api/register", { data: body });
  return { response, ...body };
}

/** Scripted sign-in exactly as docs/API.md describes: csrf, then the credentials callback. */
export async function signIn(api: APIRequestContext, email: string, password: string) {
  const { csrfToken } = await (await api.get("/api/auth/csrf")).json();
  return api.post("/api/auth/callback/credentials", { form: { email, password, csrfToken, json: "true" }, maxRedirects: 0 });
}

export async function signedInShopper() {
  const api = await client();
  const account = await register(api);
  const response = await signIn(api, account.email, account.password);
  if (response.status() >= 400) throw new Error(`sign-in failed: ${response.status()}`);
  return { api, ...account };
}
