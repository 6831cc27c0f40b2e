/**
 * Where to go after signing in: only a path on this site ("/…", not "//…"
 * and no backslashes, which browsers treat like "/"), and not an auth page;
 * otherwise "/".
 */
export function safeCallbackUrl(value: string | string[] | undefined | null): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !raw.startsWith("/") || raw.startsWith("//")) return "/";
  if (raw.includes("\\") || /[\u0000-\u001f\u007f]/.test(raw)) return "/";
  // Back to a sign-in page after signing in would only bounce (or loop).
  if (/^\/(signin|register|signout)(?:[/?#]|$)/.test(raw)) return "/";
  return raw;
}

/** A link to an auth page that keeps the callbackUrl (omitted when it is "/"). */
export function withCallback(path: "/signin" | "/register", callbackUrl: string): string {
  return callbackUrl === "/" ? path : `${path}?callbackUrl=${encodeURIComponent(callbackUrl)}`;
}
