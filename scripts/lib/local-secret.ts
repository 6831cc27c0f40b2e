import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const FILE = ".data/nextauth-secret";

/** For the local `npm start` only: a random session secret kept in .data/ across runs. */
export function ensureLocalSecret(): string {
  if (existsSync(FILE)) return readFileSync(FILE, "utf8").trim();
  mkdirSync(".data", { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(FILE, secret, { mode: 0o600 });
  return secret;
}
