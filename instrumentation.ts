// Runs once when the Next.js server boots.
export async function register(): Promise<void> {
  // NEXT_RUNTIME is set by Next itself and inlined at build time, so the edge
  // bundle never pulls in the worker; it is the one env read outside lib/env.ts.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Unsafe settings stop the server here, with one line naming the setting.
  const { checkStartupConfiguration } = await import("./lib/startup-check");
  await checkStartupConfiguration();
  // Hook endpoint secrets an older store kept plain are sealed now (docs/SECURITY.md, "Outbound hooks");
  // a database not reachable yet only postpones it to the next start (plain ones still sign meanwhile).
  const { sealPlainHookSecrets } = await import("./lib/hooks/seal-secrets");
  await sealPlainHookSecrets().catch(async (error: unknown) => {
    const { logger } = await import("./lib/observability/log");
    logger().warn({ err: error }, "could not seal plain outbound hook secrets at start; they stay readable and are sealed next start");
  });
  const { startTracing } = await import("./lib/observability/otel-sdk");
  startTracing();
  const { startInProcessWorker } = await import("./lib/worker/in-process");
  await startInProcessWorker();
}
