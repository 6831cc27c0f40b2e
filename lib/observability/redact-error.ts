// A failed query's error carries the values it was sent with: drizzle's
// DrizzleQueryError puts the bound parameters (e-mails, password hashes,
// webhook payloads) in its message, its stack and a `params` field, and
// PostgreSQL's own error repeats values in `detail` ("Key (email)=(…)") and in
// some messages ('invalid input syntax for type uuid: "…"'). redactError
// removes them, in place, from the error and its causes, before the error
// reaches a log line, the operation log, a job run, a span or graphile-worker's
// last_error. The statement itself (with $1 placeholders) stays: it says what failed.

const REDACTED = "[Redacted]";
const MAX_DEPTH = 5;
const redacted = new WeakSet<object>();

type Mutable = Error & { query?: unknown; params?: unknown; detail?: unknown; parameters?: unknown; args?: unknown; where?: unknown };

// PostgreSQL messages that quote the value they refused.
const VALUE_IN_MESSAGE: [RegExp, string][] = [
  [/^((?:invalid input|malformed) [^:"]*:\s*)"[\s\S]*"/, `$1"${REDACTED}"`],
  [/^(value )"[^"]*"( is out of range)/, `$1"${REDACTED}"$2`],
];

function isQueryError(error: Mutable): boolean {
  return typeof error.query === "string" && "params" in error && error.message.startsWith("Failed query:");
}

function replaceInStack(error: Mutable, before: string, after: string): void {
  if (typeof error.stack === "string" && before !== after) error.stack = error.stack.replace(before, after);
}

function redactOne(error: Mutable): void {
  const before = error.message;
  if (isQueryError(error)) {
    error.params = REDACTED;
    error.message = `Failed query: ${String(error.query)}\nparams: ${REDACTED}`;
  } else {
    for (const [pattern, replacement] of VALUE_IN_MESSAGE) error.message = error.message.replace(pattern, replacement);
  }
  replaceInStack(error, before, error.message);
  // postgres.js: the row's values, and (in its debug mode, where they are enumerable) the statement's parameters.
  for (const key of ["detail", "parameters", "args"] as const) {
    const property = Object.getOwnPropertyDescriptor(error, key);
    if (!property?.enumerable) continue; // not serialised anywhere
    if (property.writable) error[key] = REDACTED;
    else if (property.configurable) Object.defineProperty(error, key, { value: REDACTED, enumerable: true });
  }
}

/** Removes bound values from `error` and its causes (in place, once); returns it. */
export function redactError<T>(error: T): T {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && current instanceof Error; depth++) {
    if (!redacted.has(current)) {
      redacted.add(current);
      redactOne(current as Mutable);
    }
    current = (current as Mutable).cause;
  }
  return error;
}

/** The error's message with bound values removed: for operation rows, job runs and span statuses. */
export function safeErrorMessage(error: unknown): string {
  return error instanceof Error ? redactError(error).message : String(error);
}
