import { getDb } from "@/db";
import { logger } from "@/lib/observability/log";
import { isSealed, SEALED_PREFIX, sealSecret } from "./secret-box";
import { lockPlainSecretEndpoints, updateSealedSecrets } from "./store";

/**
 * Seals the endpoint secrets a store kept in plain text before they were
 * sealed at rest (migration 0022 adds no key to the database, so the app does
 * this step): run when the server starts (instrumentation.ts), in one
 * transaction, idempotent. Until then deliveries read a plain secret as it is.
 * The number of endpoints sealed.
 */
export async function sealPlainHookSecrets(): Promise<number> {
  const { db } = await getDb();
  const sealed = await db.transaction(async (tx) => {
    const rows = await lockPlainSecretEndpoints(tx, SEALED_PREFIX);
    const seal = (value: string) => (isSealed(value) ? value : sealSecret(value));
    for (const row of rows) await updateSealedSecrets(tx, row.id, seal(row.secret), row.previous_secret && seal(row.previous_secret));
    return rows.length;
  });
  if (sealed > 0) logger().info({ endpoints: sealed }, "sealed the plain signing secrets of outbound hook endpoints");
  return sealed;
}
