// npm run db:migrate – apply migrations (ours and graphile-worker's)
import { closeDb, resolveDatabaseUrl } from "@/db";
import { migrateDatabase } from "@/db/migrate";

const url = await resolveDatabaseUrl();
await migrateDatabase(url);
console.log("migrations applied");
await closeDb();
