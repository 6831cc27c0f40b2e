// Runs once when the Next.js server boots.
export async function register(): Promise<void> {
  // NEXT_RUNTIME is set by Next itself and inlined at build time, so the edge
  // bundle never pulls in the worker; it is the one env read outside lib/env.ts.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Unsafe settings stop the server here, with one line naming the setting.
  const { checkStartupConfiguration } = await import("./lib/startup-check");
  await checkStartupConfiguration();
  const { startTracing } = await import("./lib/observability/otel-sdk");
  startTracing();
  const { startInProcessWorker } = await import("./lib/worker/in-process");
  await startInProcessWorker();
}
