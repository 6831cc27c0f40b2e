import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { orders } from "./schema";
import { plainSqlText } from "./sql-text";

const dialect = new PgDialect();

describe("plainSqlText", () => {
  const plainShapes: [string, SQL][] = [
    ["text only", sql`select 1`],
    ["an empty template", sql``],
    ["values of every plain kind", sql`select ${"a"}, ${42}, ${1.5}, ${true}, ${false}, ${null}, ${12345678901234567890n}`],
    ["a value first and last", sql`${"first"} and ${"last"}`],
    ["back-to-back values", sql`${1}${2}${3}`],
    ["text with a dollar and a question mark", sql`select '$1 ?' as ${"x"}`],
    [
      "nested fragments joined (saveSnapshot's effect columns)",
      sql`update orders set ${sql.join(
        [sql`total_cents = ${1}, discount_cents = ${0}`, sql`tax_cents = ${2}`].map((c) => sql`${c}, `),
        sql``,
      )}status = ${"paid"} where id = ${"id"}`,
    ],
    ["sql.raw", sql`select ${sql.raw("now()")}, ${7}`],
    ["fragments nested three deep", sql`a ${sql`b ${sql`c ${1}`} ${2}`} ${3}`],
    ["a JSON string", sql`select ${JSON.stringify({ a: [1, "$2"] })}::jsonb`],
    ["an empty string value", sql`select ${""}`],
    [
      "a raw text of null or undefined (drizzle writes nothing)",
      sql`select ${sql.raw(null as unknown as string)} ${sql.raw(undefined as unknown as string)} ${1}`,
    ],
  ];

  it.each(plainShapes)("builds %s exactly as drizzle's dialect does", (_, query) => {
    const plain = plainSqlText(query);
    expect(plain).toBeDefined();
    expect(plain).toEqual({ sql: dialect.sqlToQuery(query).sql, params: dialect.sqlToQuery(query).params });
  });

  const declined: [string, SQL][] = [
    ["an array (drizzle makes it a list)", sql`select * from t where id in ${[1, 2]}`],
    ["a Date", sql`select ${new Date(0)}::timestamptz`],
    ["an object", sql`select ${{ a: 1 }}`],
    ["undefined", sql`select ${undefined}`],
    ["a table", sql`select * from ${orders}`],
    ["a column", sql`select ${orders.id} from orders`],
    ["a name", sql`select * from ${sql.identifier("orders")}`],
    ["a placeholder", sql`select ${sql.placeholder("id")}`],
    ["an inlined fragment", sql`select ${1}`.inlineParams()],
    ["an inlined fragment inside", sql`select ${sql`${1}`.inlineParams()}`],
    ["a declined value deep inside", sql`a ${sql`b ${sql`c ${[1]}`}`}`],
  ];

  it.each(declined)("declines %s, which drizzle builds", (_, query) => {
    expect(plainSqlText(query)).toBeUndefined();
    expect(() => dialect.sqlToQuery(query)).not.toThrow();
  });

  it("is cross-checked against drizzle on every statement the suite pipelines", () => {
    // db/batching.ts builds each statement both ways and throws if they differ when this is set.
    expect(process.env.SQL_TEXT_CHECK).toBe("1");
  });
});
