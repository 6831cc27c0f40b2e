import type { EmulatorContext, WebhookDispatcher } from "../context";
import type { DeliveryAttempt, EventRecord } from "../store";
import { sendEvent } from "./send";

// Webhook delivery with Stripe's retry semantics and optional chaos.
// Without shuffle, first attempts go out one at a time in event order (so
// "completed" is not overtaken by a later event); retries run on their own
// timers, as Stripe's do. With shuffle, every delivery waits a random delay.

type Ctx = Pick<EmulatorContext, "settings" | "scheduler" | "config">;

// Shuffle with no configured delay still needs some spread to reorder anything.
const SHUFFLE_SPREAD_MS = 200;

export function createDispatcher(ctx: Ctx, random: () => number = Math.random): WebhookDispatcher {
  let shutdown = new AbortController();
  let generation = 0;
  let queue: Promise<void> = Promise.resolve();

  const active = () => ctx.settings.webhooksEnabled && ctx.settings.webhookUrl !== "";
  const enabled = (type: string) => ctx.settings.enabledEvents.some((pattern) => pattern === "*" || pattern === type);
  const randomDelay = () => {
    const { minDelayMs, maxDelayMs, shuffle } = ctx.settings.chaos;
    const max = shuffle ? Math.max(maxDelayMs, minDelayMs + SHUFFLE_SPREAD_MS) : maxDelayMs;
    return Math.round(minDelayMs + random() * Math.max(0, max - minDelayMs));
  };

  async function attempt(record: EventRecord, n: number, copy: number, manual: boolean): Promise<DeliveryAttempt> {
    const url = ctx.settings.webhookUrl;
    const at = new Date().toISOString();
    const result = await sendEvent(url, record.body, ctx.config.webhookSecret, shutdown.signal);
    const entry: DeliveryAttempt = {
      eventId: record.event.id,
      type: record.event.type,
      attempt: n,
      copy,
      manual,
      url,
      ...result,
      at,
    };
    record.attempts.push(entry);
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    if (ok) {
      record.delivery = "delivered";
      record.event.pending_webhooks = 0;
    } else if (!manual && n >= ctx.settings.maxAttempts && record.delivery !== "delivered") {
      record.delivery = "failed";
    } else if (manual && ["dropped", "disabled", "filtered"].includes(record.delivery)) {
      // A failed manual resend of a never-sent event; automatic retries keep their own state.
      record.delivery = "failed";
    }
    return entry;
  }

  /** Attempt n, then Stripe-style exponential backoff until success or maxAttempts. */
  async function deliverWithRetries(record: EventRecord, n: number, copy: number, gen: number): Promise<void> {
    if (gen !== generation) return;
    const entry = await attempt(record, n, copy, false);
    const ok = entry.status !== null && entry.status >= 200 && entry.status < 300;
    if (ok || n >= ctx.settings.maxAttempts || gen !== generation) return;
    const backoff = ctx.settings.retryBaseMs * 2 ** (n - 1);
    ctx.scheduler.after(backoff, () => void deliverWithRetries(record, n + 1, copy, gen));
  }

  return {
    wouldDeliver: (type) => active() && enabled(type),

    enqueue(record) {
      if (!active()) return void (record.delivery = "disabled");
      if (!enabled(record.event.type)) return void (record.delivery = "filtered");
      const { dropRate, duplicateRate, shuffle } = ctx.settings.chaos;
      // Recorded (visible in /_emulator/events and the dashboard) but never sent on its own.
      if (random() < dropRate) return void (record.delivery = "dropped");
      const copies = random() < duplicateRate ? 2 : 1;
      const gen = generation;
      for (let copy = 1; copy <= copies; copy++) {
        const delay = randomDelay();
        if (shuffle) {
          ctx.scheduler.after(delay, () => void deliverWithRetries(record, 1, copy, gen));
        } else {
          queue = queue
            .then(() => (delay > 0 ? new Promise<void>((resolve) => ctx.scheduler.after(delay, resolve)) : undefined))
            .then(() => (gen === generation ? attempt(record, 1, copy, false) : undefined))
            .then((entry) => {
              const failed = entry && (entry.status === null || entry.status < 200 || entry.status >= 300);
              if (failed && ctx.settings.maxAttempts > 1) {
                ctx.scheduler.after(ctx.settings.retryBaseMs, () => void deliverWithRetries(record, 2, copy, gen));
              }
            })
            .catch(() => undefined);
        }
      }
    },

    async redeliver(record) {
      const copy = 1;
      return attempt(record, record.attempts.filter((a) => a.copy === copy).length + 1, copy, true);
    },

    reset() {
      generation++;
      shutdown.abort();
      shutdown = new AbortController();
      queue = Promise.resolve();
    },
  };
}
