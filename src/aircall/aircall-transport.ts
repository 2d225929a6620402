import { AircallClock, systemClock } from './aircall-clock';
import { AircallCredentials, authorizationHeader, credentialsKey } from './aircall-credentials';
import {
  AircallAuthError,
  AircallBadResponseError,
  AircallError,
  AircallNetworkError,
  AircallNotFoundError,
  AircallRateLimitedError,
  AircallRequestError,
  AircallServerError,
} from './aircall-errors';
import { parseRateLimitHeaders, RateLimitInfo, retryAfter, serverTime } from './aircall-rate-headers';
import { AircallRateLimiter, RequestPriority } from './aircall-rate-limiter';
import { isRecord, ShapeCheck } from './aircall-response-shapes';
import { AircallRetryPolicy, backoffDelay } from './aircall-retry-policy';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface AircallRequest<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the API base, e.g. `/v1/calls`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The company's credentials; absent only for the OAuth token endpoint (paced by nobody). */
  credentials?: AircallCredentials;
  shape: ShapeCheck<T>;
  /** False for requests that must not be repeated blindly (a single-use OAuth code). Default true. */
  retryTransient?: boolean;
  /** `background`: only from the budget the calls' own syncing leaves unused (AircallRateLimiter). */
  priority?: RequestPriority;
}

export interface AircallResponse<T> {
  value: T;
  status: number;
  /** The response's `Date` header: Aircall's clock when it answered. */
  serverTime: Date;
}

export interface AircallTransportOptions {
  baseUrl: string;
  timeoutMs: number;
  retry: AircallRetryPolicy;
  /** 429s tolerated for one request (each waited out until the announced reset) before giving up. */
  maxRateLimitWaits: number;
  /** Fallback wait after a 429 that announces no reset. */
  windowMs: number;
  limiter: AircallRateLimiter;
  clock?: AircallClock;
  random?: () => number;
  fetch?: FetchLike;
}

export interface AircallStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Requests sent again after a failure or a 429. */
  retries: number;
}

type Attempt<T> =
  | { kind: 'done'; response: AircallResponse<T> }
  | { kind: 'transient'; error: AircallError }
  | { kind: 'rate-limited'; resetAt: number }
  | { kind: 'failed'; error: AircallError };

/**
 * Sends one logical request to Aircall: waits for the company's rate budget, applies a per-request
 * timeout, retries transient failures (5xx, network, timeout, malformed body) with full-jitter
 * backoff, waits out 429s until Aircall's reset, and maps every failure to a typed AircallError.
 */
export class AircallTransport {
  readonly stats: AircallStats = { requests: 0, rateLimited: 0, retries: 0 };
  private readonly clock: AircallClock;
  private readonly random: () => number;
  private readonly fetch: FetchLike;
  private readonly baseUrl: string;

  /** Last API snapshot time handed out (see monotonic). */
  private lastServerTime = 0;

  /**
   * Aircall's `Date` header has one-second resolution, and an API read's time is the version of the
   * snapshot it returns (src/calls/state-version.ts): two reads of one call within the same second
   * must still order, so the times handed out by this process strictly increase.
   */
  private monotonic(time: Date): Date {
    this.lastServerTime = Math.max(time.getTime(), this.lastServerTime + 1);
    return new Date(this.lastServerTime);
  }

  constructor(private readonly options: AircallTransportOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Requests per second these credentials' company may send (see AircallRateLimiter.ratePerSecond). */
  ratePerSecond(credentials: AircallCredentials): number {
    return this.options.limiter.ratePerSecond(credentialsKey(credentials));
  }

  async request<T>(request: AircallRequest<T>): Promise<AircallResponse<T>> {
    const key = request.credentials ? credentialsKey(request.credentials) : undefined;
    const label = `Aircall ${request.method} ${request.path}`;
    let transientFailures = 0;
    let rateLimitWaits = 0;
    for (;;) {
      const release =
        key !== undefined ? await this.options.limiter.acquire(key, request.priority) : undefined;
      let rateInfo: RateLimitInfo | undefined;
      let attempt: Attempt<T>;
      try {
        attempt = await this.attempt(request, key, label, (info) => (rateInfo = info));
      } finally {
        release?.(rateInfo);
      }
      if (attempt.kind === 'done') return attempt.response;
      if (attempt.kind === 'failed') throw attempt.error;
      if (attempt.kind === 'rate-limited') {
        rateLimitWaits += 1;
        if (rateLimitWaits > this.options.maxRateLimitWaits) {
          throw new AircallRateLimitedError(
            `${label} answered 429 ${rateLimitWaits} times`,
            new Date(attempt.resetAt),
          );
        }
        this.stats.retries += 1;
        // With credentials the limiter now holds every caller of this company until the reset.
        if (key === undefined) await this.clock.sleep(attempt.resetAt - this.clock.now());
        continue;
      }
      transientFailures += 1;
      if (request.retryTransient === false || transientFailures >= this.options.retry.maxAttempts)
        throw attempt.error;
      this.stats.retries += 1;
      await this.clock.sleep(backoffDelay(this.options.retry, transientFailures, this.random));
    }
  }

  private async attempt<T>(
    request: AircallRequest<T>,
    key: string | undefined,
    label: string,
    onRateInfo: (info: RateLimitInfo) => void,
  ): Promise<Attempt<T>> {
    this.stats.requests += 1;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.url(request), {
        method: request.method,
        headers: this.headers(request),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return { kind: 'transient', error: this.networkError(label, error) };
    }
    const now = this.clock.now();
    const rateInfo = parseRateLimitHeaders(response.headers);
    onRateInfo(rateInfo);
    if (key !== undefined) this.options.limiter.observe(key, rateInfo);
    const status = response.status;
    if (status >= 200 && status < 300)
      return this.parse(request, text, status, this.monotonic(serverTime(response.headers, now)), label);
    if (status === 429) {
      this.stats.rateLimited += 1;
      const resetAt = retryAfter(response.headers, now) ?? now + this.options.windowMs;
      if (key !== undefined) this.options.limiter.blockUntil(key, resetAt);
      return { kind: 'rate-limited', resetAt };
    }
    const details = errorDetails(text);
    const message = `${label} answered ${status}${details.aircallError ? ` (${details.aircallError})` : ''}${details.detail ? `: ${details.detail}` : ''}`;
    if (status === 401 || status === 403)
      return { kind: 'failed', error: new AircallAuthError(message, status) };
    if (status === 404) return { kind: 'failed', error: new AircallNotFoundError(message) };
    if (status >= 500) return { kind: 'transient', error: new AircallServerError(message, status) };
    return { kind: 'failed', error: new AircallRequestError(message, status, details) };
  }

  private parse<T>(
    request: AircallRequest<T>,
    text: string,
    status: number,
    time: Date,
    label: string,
  ): Attempt<T> {
    let body: unknown = undefined;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return {
          kind: 'transient',
          error: new AircallBadResponseError(
            `${label} answered ${status} with a body that is not JSON`,
            status,
          ),
        };
      }
    }
    const checked = request.shape(body);
    if (!checked.ok) {
      return {
        kind: 'transient',
        error: new AircallBadResponseError(
          `${label} answered ${status} with an unexpected body: ${checked.problem}`,
          status,
        ),
      };
    }
    return { kind: 'done', response: { value: checked.value, status, serverTime: time } };
  }

  private url(request: AircallRequest<unknown>): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) params.set(name, String(value));
    }
    const query = params.toString();
    return `${this.baseUrl}${request.path}${query ? `?${query}` : ''}`;
  }

  private headers(request: AircallRequest<unknown>): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'aircall-sync' };
    if (request.credentials) headers.authorization = authorizationHeader(request.credentials);
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  private networkError(label: string, error: unknown): AircallNetworkError {
    // Not `instanceof Error`: fetch's DOMException and errors from other realms fail that test.
    const failure =
      isRecord(error) || error instanceof Error
        ? (error as { name?: unknown; message?: unknown; cause?: unknown })
        : {};
    if (failure.name === 'TimeoutError' || failure.name === 'AbortError') {
      return new AircallNetworkError(`${label} timed out after ${this.options.timeoutMs} ms`);
    }
    const cause = isRecord(failure.cause) ? failure.cause : undefined;
    const code =
      typeof cause?.code === 'string'
        ? cause.code
        : typeof failure.message === 'string'
          ? failure.message
          : 'unknown error';
    return new AircallNetworkError(`${label} failed: ${code}`);
  }
}

/**
 * Aircall's error body: `{"error": "<title>", "troubleshoot": "<hint>"}`, and on some 400s also
 * `errors` with the explanation (recorded body 12: "Your query is limited to 10k results…",
 * docs/aircall-behaviour.md §7).
 */
function errorDetails(text: string): { aircallError?: string; troubleshoot?: string; detail?: string } {
  try {
    const body: unknown = JSON.parse(text);
    if (!isRecord(body)) return {};
    const errors = Array.isArray(body.errors)
      ? body.errors.filter((e) => typeof e === 'string').join('; ')
      : typeof body.errors === 'string'
        ? body.errors
        : undefined;
    return {
      aircallError: typeof body.error === 'string' ? body.error.slice(0, 200) : undefined,
      troubleshoot: typeof body.troubleshoot === 'string' ? body.troubleshoot.slice(0, 500) : undefined,
      detail: errors ? errors.slice(0, 500) : undefined,
    };
  } catch {
    return {};
  }
}
