import type { Table } from "drizzle-orm";

type Columns<T extends Table> = T["_"]["columns"];
type Row<T extends Table> = T["$inferSelect"];
/** Raw SQL through drizzle's postgres-js driver returns dates and timestamps as text. */
type AsSent<V> = V extends Date ? string : V;

/**
 * A row as hand-written SQL returns it (`tx.execute<…>(sql\`select …\`)`):
 * the named columns of table `T` under their SQL names, typed by db/schema.ts.
 * Hand-tuned queries keep the schema as the source of their row shapes.
 */
export type SqlRow<T extends Table, K extends keyof Columns<T> & keyof Row<T>> = {
  [C in K as Columns<T>[C]["_"]["name"]]: AsSent<Row<T>[C]>;
};
