import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const nextBin = path.resolve("node_modules/next/dist/bin/next");
/** The production server (Next's handler plus Brotli for built assets): `node <serverBin> -p PORT`. */
export const serverBin = path.resolve("scripts/serve.mjs");

/** Spawns a child in the foreground's terminal; resolves with its exit code. */
export function runCommand(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Like runCommand, but the child's output (stdout and stderr, as they came) is kept and returned, not shown. */
export function runCaptured(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString("utf8") }));
  });
}

/** Starts a child with this environment plus `extraEnv`; its output is ours, or goes to the file descriptor `output`. */
export function startProcess(
  command: string,
  args: string[],
  extraEnv: Record<string, string>,
  options: { output?: number } = {},
): ChildProcess {
  const stdio = options.output === undefined ? "inherit" : (["ignore", options.output, options.output] as const);
  return spawn(command, args, { stdio: stdio as "inherit", env: { ...process.env, ...extraEnv } });
}

export function stopProcess(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export async function waitForHttp(url: string, timeoutMs: number, isReady = (r: Response) => r.status < 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (isReady(response)) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${lastError})`);
}

const sourceEntries = [
  "app",
  "components",
  "lib",
  "machines",
  "db",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.js",
  "package-lock.json",
  "postcss.config.mjs",
];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/** True when there is no production build or a source file changed after it. */
export function buildIsStale(): boolean {
  const buildId = path.resolve(".next/BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return sourceEntries.some((entry) => newestMtime(entry) > built);
}
