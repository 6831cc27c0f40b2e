// Runs once when the Next.js server boots.
export async function register(): Promise<void> {
  // NEXT_RUNTIME is set by Next itself and inlined at build time, so the edge
  // bundle never pulls in the worker; it is the one env read outside lib/env.ts.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { authSecret } = await import("./lib/auth/options");
  try {
    authSecret();
  } catch (error) {
    // Fail at start with a message that names the setting, not at the first sign-in.
    console.error(`\nConfiguration error: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const { startInProcessWorker } = await import("./lib/worker/in-process");
  await startInProcessWorker();
}
