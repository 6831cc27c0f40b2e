// Browser-side JSON requests to the store's API, with its error shape
// `{ error: { code, message, details? } }` turned into a plain result.

export type ApiSuccess = { ok: true; status: number; data: unknown };
export type ApiFailure = { ok: false; status: number; code: string; message: string; details: unknown };
export type ApiResult = ApiSuccess | ApiFailure;

export const NETWORK_MESSAGE = "We couldn’t reach the store. Check your connection and try again.";
const GENERIC_MESSAGE = "Something went wrong. Please try again.";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function failure(status: number, body: unknown): ApiFailure {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = typeof error?.code === "string" ? error.code : status === 0 ? "network" : "unknown";
  const message = typeof error?.message === "string" && error.message ? error.message : status === 0 ? NETWORK_MESSAGE : GENERIC_MESSAGE;
  return { ok: false, status, code, message, details: error?.details };
}

type RequestOptions = { method?: "GET" | "POST" | "PATCH" | "DELETE"; body?: unknown; headers?: Record<string, string> };

/** Never throws: network failures come back as status 0, code "network". */
export async function apiRequest(url: string, options: RequestOptions = {}): Promise<ApiResult> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: "no-store",
    });
  } catch {
    return failure(0, undefined);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return { ok: true, status: response.status, data: body };
  return failure(response.status, body);
}
