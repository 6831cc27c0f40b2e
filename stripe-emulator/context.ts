import type { EmulatorConfig } from "./config";
import type { Scheduler } from "./scheduler";
import type { RuntimeSettings } from "./settings";
import type { DeliveryAttempt, EmulatorState, EventRecord } from "./store";

// What every handler receives: one object instead of module-level singletons,
// so several emulators can run in one process (parallel tests).

export type WebhookDispatcher = {
  /** Whether an event of this type would be sent right now (sets pending_webhooks). */
  wouldDeliver(type: string): boolean;
  enqueue(record: EventRecord): void;
  redeliver(record: EventRecord): Promise<DeliveryAttempt>;
  /** Cancels queued deliveries and in-flight requests. */
  reset(): void;
};

export type EmulatorContext = {
  config: EmulatorConfig & { publicUrl: string; secretKey: string; webhookSecret: string };
  settings: RuntimeSettings;
  state: EmulatorState;
  /** Emulated time in ms; tests move it to expire sessions. */
  now(): number;
  scheduler: Scheduler;
  webhooks: WebhookDispatcher;
  merchantName: string;
};
