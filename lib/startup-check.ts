import { authSecret } from "@/lib/auth/options";
import { env } from "@/lib/env";

/** Fails the app at start, naming the setting, rather than at the first sign-in. */
export function checkStartupConfiguration(): void {
  try {
    env();
    authSecret();
  } catch (error) {
    console.error(`\nConfiguration error: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
