import { localEmulatorSecrets } from "../scripts/lib/local-secret";
import { loadEmulatorConfig } from "./config";
import { startEmulator, type RunningEmulator } from "./server";

// `npm run stripe:emulator`: the emulator as its own process. Without
// EMULATOR_SECRET_KEY / EMULATOR_WEBHOOK_SECRET it uses this installation's
// own (kept in .data/, the same ones `npm start` hands the app).

let emulator: RunningEmulator;
try {
  const configured = loadEmulatorConfig();
  const local = configured.secretKey && configured.webhookSecret ? undefined : localEmulatorSecrets();
  emulator = await startEmulator({
    secretKey: configured.secretKey ?? local?.secretKey,
    webhookSecret: configured.webhookSecret ?? local?.webhookSecret,
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === "EADDRINUSE"
      ? `stripe-emulator: the port is already in use (${String(error)})`
      : String(error instanceof Error ? error.message : error),
  );
  process.exit(1);
}

const { url, publicUrl, settings } = emulator;
console.log(`Stripe emulator listening on ${url}`);
console.log(`  API           ${url}/v1  (key: EMULATOR_SECRET_KEY, else .data/emulator-secret-key)`);
console.log(`  Dashboard     ${publicUrl}/`);
console.log(`  Hosted pages  ${publicUrl}/pay/<session id>`);
console.log(
  `  Webhooks      ${settings.webhooksEnabled ? `${settings.webhookUrl} (signed with EMULATOR_WEBHOOK_SECRET, else .data/emulator-webhook-secret)` : "off"}`,
);

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
