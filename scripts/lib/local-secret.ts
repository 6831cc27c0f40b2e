import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

/** For the local `npm start` only: a random secret kept in .data/<name> across runs. */
export function ensureLocalSecret(name = "nextauth-secret"): string {
  const file = `.data/${name}`;
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(".data", { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
