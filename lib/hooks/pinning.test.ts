import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { HookReceiver } from "@/test/hook-receiver";
import { postDelivery } from "./send";
import { signatureHeader, SIGNATURE_HEADER } from "./signature";
import type { Resolver } from "./target";

// IP pinning: each attempt resolves the endpoint's host once, checks every
// address with the registration's rule and connects to the address it
// checked, so a name that answers "public" to the check and "private" to the
// connection (DNS rebinding) cannot reach the store's own network. The
// resolver is injected; the host names below exist nowhere else.

const receiver = new HookReceiver();
let port = 0;
const saved = env().HOOK_ALLOW_PRIVATE_TARGETS;

beforeAll(async () => {
  port = Number(new URL(await receiver.start()).port);
  receiver.secret = "whsec_pinning";
});

afterEach(() => {
  env().HOOK_ALLOW_PRIVATE_TARGETS = saved;
});

afterAll(() => receiver.stop());

/** A resolver that answers each call with the next list of addresses (the last one again when they run out), and counts the calls. */
function scripted(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

function event(id: string) {
  const body = JSON.stringify({
    id,
    type: "OrderCreated",
    created: 0,
    sequence: 1,
    data: { order: { id: "o-pin", status: "created", revision: 1 }, fromState: null, toState: "created", details: {} },
  });
  return { body, headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signatureHeader(receiver.secret, body) } };
}

describe("an attempt connects to the address it checked", () => {
  it("the connection goes to the resolver's answer, looked up once, with the URL's host name in the request", async () => {
    env().HOOK_ALLOW_PRIVATE_TARGETS = true;
    const resolve = scripted(["127.0.0.1"]);
    const answer = await postDelivery(`http://hooks.pinned.invalid:${port}/hooks`, { ...event("evt_pin_1"), timeoutMs: 2000, resolve });
    expect(answer).toEqual({ ok: true, statusCode: 200, error: null });
    expect(resolve.calls).toEqual(["hooks.pinned.invalid"]);
    expect(receiver.events.has("evt_pin_1")).toBe(true);
    expect(receiver.lastHost).toBe(`hooks.pinned.invalid:${port}`);
  });

  it("DNS rebinding: a name that answers public to the check and loopback afterwards never reaches loopback", async () => {
    env().HOOK_ALLOW_PRIVATE_TARGETS = false;
    // 192.0.2.1 (TEST-NET-1) is public by the rule and routes nowhere; the receiver listens on 127.0.0.1.
    const resolve = scripted(["192.0.2.1"], ["127.0.0.1"]);
    const arrivals = receiver.arrivals.length;
    const answer = await postDelivery(`http://rebind.pinned.invalid:${port}/hooks`, { ...event("evt_pin_2"), timeoutMs: 500, resolve });
    expect(answer.ok).toBe(false);
    expect(answer.statusCode).toBeNull();
    expect(resolve.calls).toHaveLength(1);
    expect(receiver.arrivals.length).toBe(arrivals);
    expect(receiver.events.has("evt_pin_2")).toBe(false);
  });

  it("in production (private targets refused) a name resolving to a private address is refused without a connection", async () => {
    env().HOOK_ALLOW_PRIVATE_TARGETS = false;
    for (const addresses of [["127.0.0.1"], ["93.184.216.34", "10.0.0.8"], ["::1"], ["169.254.169.254"]]) {
      const resolve = scripted(addresses);
      const answer = await postDelivery(`http://private.pinned.invalid:${port}/hooks`, { ...event("evt_pin_3"), timeoutMs: 500, resolve });
      expect(answer, addresses.join(",")).toEqual({
        ok: false,
        statusCode: null,
        error: "refused: the URL points at a private or loopback address (HOOK_ALLOW_PRIVATE_TARGETS allows it)",
      });
    }
    expect(receiver.events.has("evt_pin_3")).toBe(false);
    const nowhere = await postDelivery(`http://nowhere.pinned.invalid/hooks`, {
      ...event("evt_pin_4"),
      timeoutMs: 500,
      resolve: scripted([]),
    });
    expect(nowhere.error).toBe("refused: the URL its host name does not resolve");
  });

  it("a redirect is an answer, not followed; a slow receiver times out", async () => {
    env().HOOK_ALLOW_PRIVATE_TARGETS = true;
    receiver.failNext(1, 302);
    const resolve = scripted(["127.0.0.1"]);
    expect(await postDelivery(`http://hooks.pinned.invalid:${port}/hooks`, { ...event("evt_pin_5"), timeoutMs: 2000, resolve })).toEqual({
      ok: false,
      statusCode: 302,
      error: "HTTP 302",
    });
    receiver.stallNext(1);
    expect(await postDelivery(`http://hooks.pinned.invalid:${port}/hooks`, { ...event("evt_pin_6"), timeoutMs: 200, resolve })).toEqual({
      ok: false,
      statusCode: null,
      error: "no answer within 200 ms",
    });
  });
});
