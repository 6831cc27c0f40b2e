import { SQL, StringChunk } from "drizzle-orm";

/**
 * The text and parameters of a hand-written `sql` template, as drizzle's
 * PostgreSQL dialect makes them (`dialect.sqlToQuery`), for the shapes a
 * dispatch's statements have: text, nested `sql` fragments (sql.join) and
 * plain values (string, number, boolean, bigint, null), each value one `$n`.
 * Anything else (a table, a column, a name, an array, a Date, an object, an
 * inlined fragment) returns undefined, and the caller asks drizzle. The same
 * result without drizzle's checks of every value against each of its kinds
 * and its array merging per chunk: those took 0.1–0.2 ms of a paid webhook's
 * Node CPU (docs/BENCHMARKS.md, issue 22). Tests: db/sql-text.test.ts
 * compares the two on every statement shape.
 */
export function plainSqlText(query: SQL): { sql: string; params: unknown[] } | undefined {
  const params: unknown[] = [];
  const text = appendChunks(query, params);
  return text === undefined ? undefined : { sql: text, params };
}

function appendChunks(query: SQL, params: unknown[]): string | undefined {
  if ((query as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return undefined;
  let text = "";
  for (const chunk of query.queryChunks as unknown[]) {
    if (chunk === null) {
      params.push(null);
      text += `$${params.length}`;
      continue;
    }
    switch (typeof chunk) {
      case "string":
      case "number":
      case "boolean":
      case "bigint":
        params.push(chunk);
        text += `$${params.length}`;
        continue;
      case "object":
        if (chunk.constructor === StringChunk) {
          // join, as drizzle does: a missing string (sql.raw(undefined), an invalid escape in a template) is "".
          text += (chunk as StringChunk).value.join("");
          continue;
        }
        if (chunk.constructor === SQL) {
          const inner = appendChunks(chunk as SQL, params);
          if (inner === undefined) return undefined;
          text += inner;
          continue;
        }
        return undefined;
      default:
        return undefined;
    }
  }
  return text;
}
