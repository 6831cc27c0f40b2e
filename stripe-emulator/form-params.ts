// Stripe's form encoding: `line_items[0][price_data][currency]=usd`,
// `metadata[order_id]=…`, `expand[]=x`. Parsed into nested objects/arrays.

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

// Keys that would let a request body reach Object.prototype.
const forbidden = new Set(["__proto__", "constructor", "prototype"]);

function segmentsOf(key: string): string[] | null {
  const open = key.indexOf("[");
  if (open === -1) return [key];
  const head = key.slice(0, open);
  const rest = key.slice(open);
  const parts = [...rest.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? "");
  // Anything left over (e.g. `a[b]c`) is malformed: ignore the pair, as Stripe's parser would reject it.
  if (parts.map((p) => `[${p}]`).join("") !== rest) return null;
  return [head, ...parts];
}

function setPath(target: FormObject, segments: string[], value: string): void {
  let node: FormObject = target;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (forbidden.has(segment)) return;
    const last = i === segments.length - 1;
    // `[]` appends: give it the next free numeric index.
    const key = segment === "" ? String(Object.keys(node).length) : segment;
    if (last) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === undefined || typeof next === "string" || Array.isArray(next)) {
      const child: FormObject = {};
      node[key] = child;
      node = child;
    } else {
      node = next;
    }
  }
}

/** Objects whose keys are all array indexes become arrays (`line_items`). */
function arrayify(value: FormValue): FormValue {
  if (typeof value === "string" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const key of keys) converted[key] = arrayify(value[key]!);
  if (keys.length > 0 && keys.every((k) => /^(0|[1-9]\d*)$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((index) => converted[String(index)]!);
  }
  return converted;
}

export function parseFormParams(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const segments = segmentsOf(key);
    if (segments && segments[0] !== "") setPath(root, segments, value);
  }
  const result: FormObject = {};
  for (const [key, value] of Object.entries(root)) result[key] = arrayify(value);
  return result;
}

/**
 * Drops empty-string leaves: in Stripe's encoding `param=` means "unset",
 * which for a create call is the same as not sending it.
 */
export function withoutEmpty(value: FormObject): FormObject {
  const out: FormObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === "") continue;
    if (typeof v === "string") out[key] = v;
    else if (Array.isArray(v)) out[key] = v.map((item) => (typeof item === "object" && !Array.isArray(item) ? withoutEmpty(item) : item));
    else out[key] = withoutEmpty(v);
  }
  return out;
}

/** `["line_items", 0, "quantity"]` → `line_items[0][quantity]`, the way Stripe names params in errors. */
export function paramName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ""}${rest.map((p) => `[${p}]`).join("")}`;
}
