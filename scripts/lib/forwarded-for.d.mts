import type { IncomingMessage } from "node:http";

export function parseTrustedProxyHops(value: string | undefined): number;
export function setForwardedFor(req: IncomingMessage, hops: number): void;
