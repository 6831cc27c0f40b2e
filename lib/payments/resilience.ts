import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, wrap } from "cockatiel";
import { AppError } from "@/lib/errors";

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

const transient = handleWhen(isTransientGatewayError);

export const gatewayBreaker = circuitBreaker(transient, {
  halfOpenAfter: 10_000,
  breaker: new ConsecutiveBreaker(5),
});

const gatewayRetry = retry(transient, {
  maxAttempts: 2,
  backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 2_000 }),
});

const policy = wrap(gatewayRetry, gatewayBreaker);

/** Runs one gateway call under the retry and circuit-breaker policy. */
export async function callGateway<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await policy.execute(call);
  } catch (error) {
    if (error instanceof BrokenCircuitError) {
      throw new AppError("gateway_unavailable", "The payment service is unavailable right now. Nothing was charged; please try again in a minute.", { operation, circuit: "open" });
    }
    throw error;
  }
}
