import { randomBytes } from "node:crypto";

// Stripe ids are a type prefix plus ~24 base62 characters; code that parses
// prefixes (cs_test_, pi_, ch_, re_, evt_) keeps working against the emulator.

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomToken(length = 24): string {
  const bytes = randomBytes(length);
  let out = "";
  // 256 % 62 bias is irrelevant for ids that only need to be unique.
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}
