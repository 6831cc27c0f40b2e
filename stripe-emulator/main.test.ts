import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomSecret } from "./server";

describe("main.ts", () => {
  it("starts from the command line, prints its URL and exits 0 on SIGTERM", async () => {
    const key = randomSecret("sk_test_");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "main.ts")], {
      // From the project root, where `--import tsx` resolves.
      cwd: path.join(import.meta.dirname, ".."),
      env: { ...process.env, EMULATOR_PORT: "0", EMULATOR_WEBHOOK_URL: "", EMULATOR_SECRET_KEY: key },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`exited early (${code}): ${out}`)));
    });
    const health = await fetch(`${url}/v1/checkout/sessions/cs_test_x`, { headers: { authorization: `Bearer ${key}` } });
    expect(health.status).toBe(404);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });
});
