// Issue #14 finding 7: the control API (/_emulator/*) must not be drivable from another web page
// in the operator's browser (CSRF): JSON bodies only, an Origin of its own or none (non-browser
// clients), its own dashboard's forms only with its own Origin; EMULATOR_CONTROL=off removes it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadEmulatorConfig } from "./config";
import { sessionParams, startHarness, type Harness } from "./test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => h.emulator.reset());

const post = (path: string, init: { body?: string; headers?: Record<string, string> }) =>
  fetch(`${h.emulator.url}/_emulator${path}`, { method: "POST", redirect: "manual", ...init });

const evil = "https://evil.example";
const ownOrigin = () => `http://localhost:${h.emulator.port}`;

describe("control API: who may drive it", () => {
  it("a text/plain body (a CORS 'simple' request any page can send) is a 415 and changes nothing", async () => {
    const response = await post("/config", {
      body: JSON.stringify({ refundOutcome: "failed" }),
      headers: { "content-type": "text/plain" },
    });
    expect(response.status).toBe(415);
    expect(h.emulator.settings.refundOutcome).toBe("succeeded");
  });

  it("a JSON request from a foreign Origin is a 403 and changes nothing", async () => {
    const response = await post("/config", {
      body: JSON.stringify({ failNext: { count: 100, status: 503 } }),
      headers: { "content-type": "application/json", origin: evil },
    });
    expect(response.status).toBe(403);
    expect(h.emulator.settings.failNext).toBeNull();
  });

  it("a form posted from a foreign page (or with no Origin at all) does not reset the emulator", async () => {
    await h.stripe.checkout.sessions.create(sessionParams());
    for (const headers of [{ origin: evil }, {}] as Record<string, string>[]) {
      const response = await post("/reset", { body: "", headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
      expect(response.status).toBe(403);
    }
    expect(h.emulator.state.sessions.size).toBe(1);
  });

  it("still answers its own clients: JSON without an Origin (scripts, tests), JSON and forms from its own pages", async () => {
    const fromScript = await post("/config", { body: JSON.stringify({ latencyMs: 1 }), headers: { "content-type": "application/json" } });
    expect(fromScript.status).toBe(200);
    const fromDashboard = await post("/config", {
      body: JSON.stringify({ latencyMs: 2 }),
      headers: { "content-type": "application/json; charset=utf-8", origin: ownOrigin() },
    });
    expect(fromDashboard.status).toBe(200);
    expect(h.emulator.settings.latencyMs).toBe(2);
    await h.stripe.checkout.sessions.create(sessionParams());
    const form = await post("/reset", { body: "", headers: { "content-type": "application/x-www-form-urlencoded", origin: ownOrigin() } });
    expect(form.status).toBe(303);
    expect(h.emulator.state.sessions.size).toBe(0);
  });
});

describe("EMULATOR_CONTROL=off", () => {
  it("is read from the environment (on by default)", () => {
    expect(loadEmulatorConfig({}).control).toBe(true);
    expect(loadEmulatorConfig({ EMULATOR_CONTROL: "off" }).control).toBe(false);
    expect(() => loadEmulatorConfig({ EMULATOR_CONTROL: "maybe" })).toThrow(/EMULATOR_CONTROL/);
  });

  it("removes the control API and the dashboard's buttons; the Stripe API still works", async () => {
    const off = await startHarness({ control: false });
    try {
      const session = await off.stripe.checkout.sessions.create(sessionParams());
      for (const [method, path] of [
        ["GET", "/config"],
        ["POST", "/reset"],
        ["POST", `/sessions/${session.id}/pay`],
      ] as const) {
        const response = await fetch(`${off.emulator.url}/_emulator${path}`, {
          method,
          headers: { "content-type": "application/json" },
          body: method === "POST" ? "{}" : undefined,
        });
        expect(response.status, `${method} ${path}`).toBe(404);
      }
      expect(off.emulator.state.sessions.size).toBe(1);
      const dashboard = await (await fetch(`${off.emulator.url}/`)).text();
      expect(dashboard).toContain(session.id);
      expect(dashboard).not.toContain("/_emulator/");
    } finally {
      await off.stop();
    }
  });
});
