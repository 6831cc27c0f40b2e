import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";

/** Where scripts/e2e-server.ts writes the app's output during an e2e run. */
export const E2E_SERVER_LOG = ".data/e2e-server.log";

/** The log's size now: where the lines of what happens next begin. */
export function logOffset(file = E2E_SERVER_LOG): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** What was written to the log since `offset`. */
export function logSince(offset: number, file = E2E_SERVER_LOG): string {
  if (!existsSync(file)) return "";
  const size = statSync(file).size;
  if (size <= offset) return "";
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString("utf8");
}

/** The file's last `count` lines. */
export function lastLines(file: string, count: number): string {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-count).join("\n");
}
