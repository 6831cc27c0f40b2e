// Identifier checks shared by every place that takes an id from outside:
// anything else would reach PostgreSQL as a uuid or int4 and fail there (500).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** The largest id a PostgreSQL integer column holds. */
export const MAX_INT4 = 2_147_483_647;

/** Text PostgreSQL cannot store (NUL); other control characters are fine to keep out of names and searches too. */
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}
