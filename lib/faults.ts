import { env } from "@/lib/env";
import { currentContext } from "@/lib/observability/context";

// Named fault points for crash and retry tests. FAULT_POINTS="name:action,…"
// (action throw | kill) arms them in a process; tests may arm them in memory.
// `name:action@<order id>` (or armFault's `orderId`) fires only while work for
// that order runs (a job's or request's context), so a test's fault never hits
// another test's order in the same queue. Unarmed, a fault point costs one
// Map lookup.

type FaultAction = "throw" | "kill";
type Fault = { action: FaultAction; remaining: number; orderId?: string };
const armed = new Map<string, Fault>();
let loaded = false;

function load(): void {
  if (loaded) return;
  loaded = true;
  for (const entry of (env().FAULT_POINTS ?? "").split(",").filter(Boolean)) {
    const [spec = "", orderId] = entry.split("@");
    // Names contain colons (refund_payment:after_gateway); the action is the last part, if given.
    const action = spec.endsWith(":kill") ? "kill" : "throw";
    const name = spec.replace(/:(kill|throw)$/, "");
    if (name) armed.set(name, { action, remaining: Number.POSITIVE_INFINITY, orderId: orderId || undefined });
  }
}

export class InjectedFault extends Error {
  constructor(name: string) {
    super(`injected fault at ${name}`);
    this.name = "InjectedFault";
  }
}

export function armFault(name: string, options: { action?: FaultAction; times?: number; orderId?: string } = {}): void {
  load();
  armed.set(name, { action: options.action ?? "throw", remaining: options.times ?? Number.POSITIVE_INFINITY, orderId: options.orderId });
}

export function disarmFaults(): void {
  armed.clear();
}

export function faultPoint(name: string): void {
  load();
  const fault = armed.get(name);
  if (!fault || fault.remaining <= 0) return;
  if (fault.orderId && currentContext().orderId !== fault.orderId) return;
  fault.remaining -= 1;
  if (fault.action === "kill") process.kill(process.pid, "SIGKILL");
  throw new InjectedFault(name);
}
