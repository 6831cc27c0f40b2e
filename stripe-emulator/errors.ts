// Stripe's error envelope: { error: { type, message, code?, param?, decline_code?, doc_url? } }.
// The SDK picks its error class from `type` and the HTTP status.

export type StripeErrorType = "invalid_request_error" | "idempotency_error" | "api_error" | "card_error";

export type StripeErrorBody = {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

function docUrl(code: string | undefined): { doc_url?: string } {
  return code ? { doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}` } : {};
}

export function invalidRequest(message: string, options: { param?: string; code?: string; status?: number } = {}): ApiError {
  const { param, code, status = 400 } = options;
  return new ApiError(status, {
    type: "invalid_request_error",
    message,
    ...(code ? { code } : {}),
    ...(param ? { param } : {}),
    ...docUrl(code),
  });
}

export function missingParam(param: string): ApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: "parameter_missing" });
}

export function resourceMissing(objectName: string, id: string, param: string): ApiError {
  return invalidRequest(`No such ${objectName}: '${id}'`, { param, code: "resource_missing", status: 404 });
}

export function errorJson(body: StripeErrorBody): { error: StripeErrorBody } {
  return { error: body };
}
