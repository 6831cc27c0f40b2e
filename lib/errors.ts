// Typed errors and the one table from error code to HTTP status (docs/STYLE.md #7; the table is in docs/API.md, "Conventions").

export const errorStatus = {
  invalid_request: 400,
  empty_cart: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  email_taken: 409,
  invalid_transition: 409,
  out_of_stock: 409,
  payment_window_closed: 409,
  duplicate_checkout: 409,
  idempotency_conflict: 409,
  too_many_unpaid_orders: 409,
  too_many_reserved_copies: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  gateway_unavailable: 503,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly status: number;

  constructor(code: ErrorCode, message: string, details?: unknown, status?: number) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
    this.status = status ?? errorStatus[code];
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

export function errorBody(error: AppError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}
