// npm run db:seed [-- --books N] – demo accounts and catalog; safe to re-run
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db";
import { demoAccounts, seedDatabase } from "@/db/seed";
import { env, isProduction } from "@/lib/env";

// Production never seeds demo data: the accounts' passwords are published.
if (isProduction() && !env().ALLOW_DEMO_ACCOUNTS) {
  console.error(
    "db:seed: refusing to seed demo accounts (published passwords) with NODE_ENV=production; set ALLOW_DEMO_ACCOUNTS=on for a staging store",
  );
  process.exit(1);
}

const { values } = parseArgs({ options: { books: { type: "string", default: "0" } } });
const extraBooks = Number(values.books);
if (!Number.isInteger(extraBooks) || extraBooks < 0 || extraBooks > 1_000_000) {
  console.error("--books must be an integer between 0 and 1000000");
  process.exit(2);
}
const { db } = await getDb();
const started = Date.now();
const result = await seedDatabase(db, { extraBooks });
console.log(
  `seeded in ${Date.now() - started} ms: ${result.booksInserted} books added (${result.booksTotal} in the catalog), ${result.accountsCreated} accounts added`,
);
for (const account of demoAccounts) console.log(`  ${account.role.padEnd(8)} ${account.email} / ${account.password}`);
await closeDb();
