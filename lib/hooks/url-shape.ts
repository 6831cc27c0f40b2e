// An endpoint URL's shape, shared by the API and the console's form (no Node modules: it runs in the browser too).

/** The longest endpoint URL accepted (the column's CHECK agrees). */
export const MAX_HOOK_URL_LENGTH = 2048;

/** http or https, no credentials in it, not too long. Undefined when fine. */
export function urlShapeProblem(raw: string): string | undefined {
  if (raw.length > MAX_HOOK_URL_LENGTH) return `at most ${MAX_HOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must start with http:// or https://";
  if (url.username || url.password) return "must not contain a user name or password";
  if (!url.hostname) return "has no host";
  return undefined;
}
