import { startEmulator, type RunningEmulator } from "./server";

// `npm run stripe:emulator`: the emulator as its own process.

let emulator: RunningEmulator;
try {
  emulator = await startEmulator();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(code === "EADDRINUSE" ? `stripe-emulator: the port is already in use (${String(error)})` : String(error instanceof Error ? error.message : error));
  process.exit(1);
}

const { url, publicUrl, settings } = emulator;
console.log(`Stripe emulator listening on ${url}`);
console.log(`  API           ${url}/v1  (key: the configured EMULATOR_SECRET_KEY)`);
console.log(`  Dashboard     ${publicUrl}/`);
console.log(`  Hosted pages  ${publicUrl}/pay/<session id>`);
console.log(`  Webhooks      ${settings.webhooksEnabled ? settings.webhookUrl : "off"}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`stripe-emulator: ${signal}, stopping`);
  await emulator.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
