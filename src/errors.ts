import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The closed set of error codes of the contract, each with its one status. */
export const ERROR_STATUS = {
  invalid_request: 400,
  confirmation_mismatch: 400,
  // The device login's states (RFC 8628), answered to the polling client.
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  access_denied: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  invalid_code: 404,
  already_in_org: 409,
  owner_must_transfer: 409,
  target_not_admin: 409,
  conflict: 409,
  quota_exceeded: 409,
  lease_lost: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  invalid_request: "The request is not valid.",
  confirmation_mismatch: "The confirmation does not match.",
  authorization_pending: "The login has not been approved yet.",
  slow_down: "Polling too fast: wait longer between requests.",
  expired_token: "This login has expired or was already used. Start again.",
  access_denied: "The login was denied.",
  unauthenticated: "Sign in to continue.",
  forbidden: "You do not have permission to do that.",
  csrf: "This request came from another site and was refused.",
  not_found: "Not found.",
  invalid_code: "That code is not valid.",
  already_in_org: "You already belong to an organization.",
  owner_must_transfer: "The Owner must transfer ownership first.",
  target_not_admin: "Ownership can only be transferred to an Admin.",
  conflict: "That conflicts with the current state.",
  quota_exceeded: "That would take the volume past its size.",
  lease_lost: "This job is no longer leased to this machine.",
  too_large: "The request body is too large.",
  rate_limited: "Too many attempts. Try again later.",
  internal: "Something went wrong on our side.",
};

/** An error the client can act on; anything else thrown is a bug and answered as a 500. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryAfterSeconds?: number;

  constructor(
    code: ErrorCode,
    message: string = DEFAULT_MESSAGES[code],
    options: { details?: unknown; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

export function defaultMessage(code: ErrorCode): string {
  return DEFAULT_MESSAGES[code];
}
