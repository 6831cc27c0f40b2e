import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomCarrierSecret } from "./server";

describe("carrier-simulator/main.ts", () => {
  it("starts from the command line with its settings from the environment, and exits 0 on SIGTERM", async () => {
    const key = randomCarrierSecret("ck_test_");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "main.ts")], {
      cwd: path.join(import.meta.dirname, ".."),
      env: {
        ...process.env,
        CARRIER_PORT: "0",
        CARRIER_CALLBACK_URL: "",
        CARRIER_API_KEY: key,
        CARRIER_SECRET: randomCarrierSecret("csec_"),
        CARRIER_SCHEDULE: "10,20,30",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`exited early (${code}): ${out}`)));
    });
    const config = (await (await fetch(`${url}/_carrier/config`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ callbackUrl: "", schedule: { in_transit: 10, out_for_delivery: 20, delivered: 30 } });
    const registered = await fetch(`${url}/shipments`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ order_reference: "cli-1" }),
    });
    expect(registered.status).toBe(201);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });

  it("refuses a bad schedule with a clear message and exit code 1", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "main.ts")], {
      cwd: path.join(import.meta.dirname, ".."),
      env: {
        ...process.env,
        CARRIER_PORT: "0",
        CARRIER_SCHEDULE: "10,20",
        CARRIER_API_KEY: randomCarrierSecret("ck_test_"),
        CARRIER_SECRET: randomCarrierSecret("csec_"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toContain("CARRIER_SCHEDULE");
  });
});
