import { env } from "@/lib/env";
import { logger } from "@/lib/observability/log";
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { startWorker, type WorkerHandle } from "./runner";

const holder = globalThis as typeof globalThis & { __bookstoreWorker?: Promise<WorkerHandle | undefined> };

/** Called by instrumentation.ts when the app boots; WORKER_ENABLED=false turns it off. */
export function startInProcessWorker(): Promise<WorkerHandle | undefined> {
  holder.__bookstoreWorker ??= (async () => {
    if (!env().WORKER_ENABLED) return undefined;
    const handle = await startWorker();
    onShutdown(shutdownOrder.worker, () => handle.stop());
    return handle;
  })().catch((error) => {
    logger().error({ err: error }, "in-process worker failed to start");
    return undefined;
  });
  return holder.__bookstoreWorker;
}
