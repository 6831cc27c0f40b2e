import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

// Endpoint signing secrets at rest (docs/SECURITY.md, "Outbound hooks"): a
// copy of the database (a backup, a replica, a dump) does not let anyone sign
// hooks as the store. Sealed with AES-256-GCM under a key derived (HKDF-SHA256)
// from NEXTAUTH_SECRET, which production already requires; the key never
// reaches the database. Changing NEXTAUTH_SECRET makes the sealed secrets
// unreadable: each endpoint's deliveries then fail with a message saying so,
// until an operator rolls its secret.

export const SEALED_PREFIX = "enc:v1:";
const PREFIX = SEALED_PREFIX;
// Binds a sealed value to its use: one sealed for something else does not open here.
const AAD = Buffer.from("paperleaf hook_endpoints.secret v1");

let cached: { from: string; key: Buffer } | undefined;

function key(): Buffer {
  const secret = authSecret();
  if (cached?.from !== secret) {
    const derived = Buffer.from(hkdfSync("sha256", secret, "paperleaf-hook-secrets", "hook endpoint signing secrets v1", 32));
    cached = { from: secret, key: derived };
  }
  return cached.key;
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** `enc:v1:<iv>.<ciphertext>.<tag>` (base64url), a fresh 96-bit IV each time. */
export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv).setAAD(AAD);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${PREFIX}${[iv, body, cipher.getAuthTag()].map((b) => b.toString("base64url")).join(".")}`;
}

export class SecretUnreadableError extends Error {
  constructor() {
    super("the endpoint's signing secret cannot be decrypted (was NEXTAUTH_SECRET changed?): roll its secret");
    this.name = "SecretUnreadableError";
  }
}

/** The plain secret; a row written before secrets were sealed is still plain (startup seals it: sealPlainHookSecrets). */
export function openSecret(stored: string): string {
  if (!isSealed(stored)) return stored;
  const [iv, body, tag] = stored
    .slice(PREFIX.length)
    .split(".")
    .map((part) => Buffer.from(part, "base64url"));
  if (!iv || !body || !tag || iv.length !== 12 || tag.length !== 16) throw new SecretUnreadableError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), iv).setAAD(AAD).setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnreadableError();
  }
}
