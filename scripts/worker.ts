// npm run worker – a standalone job runner; run as many as you like.
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { startWorker } from "@/lib/worker/runner";

const handle = await startWorker();
onShutdown(shutdownOrder.worker, () => handle.stop());
console.log(`worker ${handle.workerId} running (Ctrl-C to stop)`);
await handle.runner.promise;
