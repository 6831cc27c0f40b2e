import { env } from "@/lib/env";

// Named fault points for crash and retry tests. FAULT_POINTS="name:action,…"
// (action throw | kill) arms them in a process; tests may arm them in memory.
// Unarmed, a fault point costs one Set lookup.

type FaultAction = "throw" | "kill";
const armed = new Map<string, { action: FaultAction; remaining: number }>();
let loaded = false;

function load(): void {
  if (loaded) return;
  loaded = true;
  for (const spec of (env().FAULT_POINTS ?? "").split(",").filter(Boolean)) {
    // Names contain colons (refund_payment:after_gateway); the action is the last part, if given.
    const action = spec.endsWith(":kill") ? "kill" : "throw";
    const name = spec.replace(/:(kill|throw)$/, "");
    if (name) armed.set(name, { action, remaining: Number.POSITIVE_INFINITY });
  }
}

export class InjectedFault extends Error {
  constructor(name: string) {
    super(`injected fault at ${name}`);
    this.name = "InjectedFault";
  }
}

export function armFault(name: string, options: { action?: FaultAction; times?: number } = {}): void {
  load();
  armed.set(name, { action: options.action ?? "throw", remaining: options.times ?? Number.POSITIVE_INFINITY });
}

export function disarmFaults(): void {
  armed.clear();
}

export function faultPoint(name: string): void {
  load();
  const fault = armed.get(name);
  if (!fault || fault.remaining <= 0) return;
  fault.remaining -= 1;
  if (fault.action === "kill") process.kill(process.pid, "SIGKILL");
  throw new InjectedFault(name);
}
