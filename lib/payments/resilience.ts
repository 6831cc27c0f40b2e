import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  wrap,
  type IBackoff,
} from "cockatiel";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { traced } from "@/lib/observability/trace";

// Calls to the payment gateway: retried with backoff when the failure is
// transient, behind a circuit breaker so a dead gateway fails fast instead of
// holding every shopper's request for the full timeout.

type StripeLikeError = Error & { type?: string; statusCode?: number };

export function isTransientGatewayError(error: Error): boolean {
  if (error instanceof BrokenCircuitError || error instanceof AppError) return false;
  const e = error as StripeLikeError;
  if (e.type === "StripeConnectionError" || e.type === "StripeAPIError" || e.type === "StripeRateLimitError") return true;
  if (typeof e.statusCode === "number") return e.statusCode >= 500 || e.statusCode === 429;
  // Network failures below the SDK (ECONNREFUSED, socket hang up, timeouts).
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|timed? ?out|network/i.test(e.message ?? "");
}

/** The gateway refused for load (429): it is up and answering, so worth a retry but no sign of an outage. */
export function isGatewayRateLimit(error: Error): boolean {
  const e = error as StripeLikeError;
  return e.type === "StripeRateLimitError" || e.statusCode === 429;
}

const transient = handleWhen(isTransientGatewayError);

/**
 * How long the open breaker refuses calls before it lets one through to try
 * (half-open). Read when the breaker is asked, so a test can shorten the
 * wait of a breaker that is already open instead of sleeping through it.
 */
export const GATEWAY_HALF_OPEN_AFTER_MS = 10_000;
export const gatewayBreakerTiming = { halfOpenAfterMs: GATEWAY_HALF_OPEN_AFTER_MS };

const halfOpenDelay: IBackoff<unknown> = {
  get duration() {
    return gatewayBreakerTiming.halfOpenAfterMs;
  },
  next: () => halfOpenDelay,
};

// A 429 is retried (transient) but is not a breaker failure: one shopper's
// burst must not open the breaker and fail everyone's payments.
export const gatewayBreaker = circuitBreaker(
  handleWhen((error) => isTransientGatewayError(error) && !isGatewayRateLimit(error)),
  {
    halfOpenAfter: { next: () => halfOpenDelay },
    breaker: new ConsecutiveBreaker(5),
  },
);

const gatewayRetry = retry(transient, {
  maxAttempts: 2,
  backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 2_000 }),
});

const policy = wrap(gatewayRetry, gatewayBreaker);

/** The breaker for /api/metrics: 0 closed, 1 half-open, 2 open (isolated counts as open). */
export function gatewayCircuitLevel(): number {
  const state = gatewayBreaker.state;
  return state === CircuitState.Closed ? 0 : state === CircuitState.HalfOpen ? 1 : 2;
}

/** Runs one gateway call under the retry and circuit-breaker policy: in a span, timed, logged. */
export function callGateway<T>(operation: string, call: () => Promise<T>): Promise<T> {
  return traced(`gateway ${operation}`, { "gateway.operation": operation }, async () => {
    const started = performance.now();
    const done = (outcome: string) => {
      const seconds = (performance.now() - started) / 1000;
      metrics().gatewayCalls.observe({ operation, outcome }, seconds);
      return Math.round(seconds * 1000);
    };
    try {
      const result = await policy.execute(call);
      logger().debug({ operation, durationMs: done("ok") }, "gateway call");
      return result;
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        logger().warn({ operation, durationMs: done("circuit_open") }, "gateway call refused: circuit open");
        throw new AppError(
          "gateway_unavailable",
          "The payment service is unavailable right now. Nothing was charged; please try again in a minute.",
          { operation, circuit: "open" },
        );
      }
      // The gateway's own error in brief (its type and status), not the SDK's whole object.
      const e = error as StripeLikeError;
      logger().warn(
        { operation, durationMs: done("error"), reason: e.message, type: e.type, statusCode: e.statusCode },
        "gateway call failed",
      );
      throw error;
    }
  });
}
