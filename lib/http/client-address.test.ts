// Issue #14 finding 4: per-IP limits must not trust an address the client wrote itself.
// The production server rewrites X-Forwarded-For from the socket (scripts/lib/forwarded-for.mjs)
// and the app takes the right-most hop that is not one of TRUSTED_PROXY_HOPS proxies.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTrustedProxyHops, setForwardedFor } from "@/scripts/lib/forwarded-for.mjs";
import { clientAddress } from "./client-address";

const xff = (value: string) => new Headers({ "x-forwarded-for": value });

describe("clientAddress", () => {
  it("takes the right-most entry that is not one of the trusted proxies", () => {
    expect(clientAddress(xff("6.6.6.6, 203.0.113.7"), 0)).toBe("203.0.113.7");
    expect(clientAddress(xff("6.6.6.6, 203.0.113.7, 10.0.0.2"), 1)).toBe("203.0.113.7");
    expect(clientAddress(xff("6.6.6.6, 203.0.113.7, 10.0.0.3, 10.0.0.2"), 2)).toBe("203.0.113.7");
  });

  it("with fewer entries than trusted hops, the left-most; nothing usable is one shared 'unknown'", () => {
    expect(clientAddress(xff("203.0.113.7"), 2)).toBe("203.0.113.7");
    expect(clientAddress(new Headers(), 0)).toBe("unknown");
    expect(clientAddress(xff("not-an-address"), 0)).toBe("unknown");
    expect(clientAddress(new Headers({ "x-real-ip": "6.6.6.6" }), 0)).toBe("unknown");
  });

  it("reads IPv4-mapped IPv6 as the IPv4 address, keeps IPv6, and drops a port a proxy wrote", () => {
    expect(clientAddress(xff("::ffff:127.0.0.1"), 0)).toBe("127.0.0.1");
    expect(clientAddress(xff("2001:db8::1"), 0)).toBe("2001:db8::1");
    expect(clientAddress(xff("203.0.113.7:51234, 10.0.0.2"), 1)).toBe("203.0.113.7");
    expect(clientAddress(xff("[2001:db8::1]:51234"), 0)).toBe("2001:db8::1");
  });
});

describe("TRUSTED_PROXY_HOPS in the production server", () => {
  it("is a whole number from 0 to 10, 0 when unset", () => {
    expect(parseTrustedProxyHops(undefined)).toBe(0);
    expect(parseTrustedProxyHops("2")).toBe(2);
    for (const bad of ["-1", "11", "one", "1.5"]) expect(() => parseTrustedProxyHops(bad)).toThrow(/TRUSTED_PROXY_HOPS/);
  });
});

// A real socket: what the server rewrites, then what the app reads.
describe("a client forging X-Forwarded-For over a real connection", () => {
  let server: Server;
  let hops = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      setForwardedFor(req, hops);
      res.end(clientAddress(new Headers(req.headers as Record<string, string>), hops));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const seenAs = (headers: Record<string, string>) =>
    new Promise<string>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      httpRequest({ host: "127.0.0.1", port, headers }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve(body));
      })
        .on("error", reject)
        .end();
    });

  it("with no proxy, is seen at its socket address whatever it sends", async () => {
    hops = 0;
    expect(await seenAs({ "x-forwarded-for": "6.6.6.6" })).toBe("127.0.0.1");
    expect(await seenAs({ "x-forwarded-for": "6.6.6.6, 7.7.7.7", "x-real-ip": "8.8.8.8" })).toBe("127.0.0.1");
    expect(await seenAs({})).toBe("127.0.0.1");
  });

  it("behind one proxy (the socket), is the address that proxy appended, not what the client put before it", async () => {
    hops = 1;
    // The proxy appended 203.0.113.7 (its peer) to the client's forged "6.6.6.6".
    expect(await seenAs({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" })).toBe("203.0.113.7");
  });
});
