/**
 * Typed failures of the Aircall client. Callers branch on the class (and `retryable`), HTTP/GraphQL
 * layers map them to statuses in one place. Messages name the method, path and status only: never a
 * credential, never a request body.
 */
export class AircallError extends Error {
  readonly status?: number;
  /** True when trying again later may succeed (rate limit, outage, network); false for caller mistakes. */
  readonly retryable: boolean;

  constructor(message: string, options: { status?: number; retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

/** 401 / 403: the API key or OAuth token is wrong or was revoked (the integration was uninstalled). */
export class AircallAuthError extends AircallError {
  constructor(message: string, status: number) {
    super(message, { status, retryable: false });
  }
}

/** 404: the resource does not exist (or is not visible to these credentials). */
export class AircallNotFoundError extends AircallError {
  constructor(message: string) {
    super(message, { status: 404, retryable: false });
  }
}

/** 429 still answered after the client waited for the reset the allowed number of times. */
export class AircallRateLimitedError extends AircallError {
  /** When Aircall says the budget resets. */
  readonly resetAt: Date;

  constructor(message: string, resetAt: Date) {
    super(message, { status: 429, retryable: true });
    this.resetAt = resetAt;
  }
}

/** 5xx after every retry. */
export class AircallServerError extends AircallError {
  constructor(message: string, status: number) {
    super(message, { status, retryable: true });
  }
}

/** Connection failure or per-request timeout after every retry. */
export class AircallNetworkError extends AircallError {
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
  }
}

/** A 2xx whose body is not JSON or not the documented shape, after every retry. */
export class AircallBadResponseError extends AircallError {
  constructor(message: string, status?: number) {
    super(message, { status, retryable: true });
  }
}

/**
 * Any other 4xx: the request itself is wrong, e.g. 400 for paging past the 10,000-record cap.
 * Carries Aircall's `{error, troubleshoot}` body fields when present.
 */
export class AircallRequestError extends AircallError {
  readonly aircallError?: string;
  readonly troubleshoot?: string;
  /** Aircall's explanation (`errors`), when it gives one. */
  readonly detail?: string;

  constructor(
    message: string,
    status: number,
    details: { aircallError?: string; troubleshoot?: string; detail?: string } = {},
  ) {
    super(message, { status, retryable: false });
    this.aircallError = details.aircallError;
    this.troubleshoot = details.troubleshoot;
    this.detail = details.detail;
  }
}
