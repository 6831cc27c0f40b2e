import { spawn } from "node:child_process";
import { expect, test } from "../support/test";

test("in production the app refuses to start without NEXTAUTH_SECRET, naming the setting", async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: "3197",
    NEXT_TELEMETRY_DISABLED: "1",
    WORKER_ENABLED: "false",
  };
  delete env.NEXTAUTH_SECRET;
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", "3197"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 30_000);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  expect(code).toBe(1);
  expect(output).toContain("NEXTAUTH_SECRET must be set in production");
});
