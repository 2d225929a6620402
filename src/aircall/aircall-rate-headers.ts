/** What one Aircall response says about the company's request budget. */
export interface RateLimitInfo {
  /** `X-AircallApi-Limit`: requests allowed per window. */
  limit?: number;
  /** `X-AircallApi-Remaining`: requests left in the current window. */
  remaining?: number;
  /** `X-AircallApi-Reset` as epoch milliseconds: when the window resets. */
  resetAt?: number;
  /** How precise `resetAt` is: 1000 when the header was in (whole) seconds, 1 when in ms. */
  resetPrecisionMs?: number;
}

/** Header lookup that works for fetch `Headers` and plain records alike (names case-insensitive). */
export type HeaderSource = { get(name: string): string | null };

/** Above this a reset value is already in milliseconds (1e12 ms is 2001; 1e12 s is year 33658). */
const MILLISECONDS_THRESHOLD = 1e12;

function nonNegativeNumber(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/**
 * Reads Aircall's rate-limit headers. The reset is documented as a unix timestamp in seconds, but at
 * least one client treats it as milliseconds, so a value above 1e12 is taken as ms
 * (docs/aircall-behaviour.md §6, https://developer.aircall.io/api-references/#rate-limiting).
 */
export function parseRateLimitHeaders(headers: HeaderSource): RateLimitInfo {
  const limit = nonNegativeNumber(headers.get('x-aircallapi-limit'));
  const remaining = nonNegativeNumber(headers.get('x-aircallapi-remaining'));
  const reset = nonNegativeNumber(headers.get('x-aircallapi-reset'));
  return {
    limit: limit !== undefined && limit >= 1 ? Math.floor(limit) : undefined,
    remaining: remaining !== undefined ? Math.floor(remaining) : undefined,
    resetAt: reset === undefined ? undefined : reset > MILLISECONDS_THRESHOLD ? reset : reset * 1000,
    resetPrecisionMs: reset === undefined ? undefined : reset > MILLISECONDS_THRESHOLD ? 1 : 1000,
  };
}

/**
 * When a 429 says to come back, as epoch ms: Aircall's own `X-AircallApi-Reset` first (the documented
 * header), else a standard `Retry-After` (seconds or an HTTP date), else undefined (the caller then
 * waits one whole window).
 */
export function retryAfter(headers: HeaderSource, now: number): number | undefined {
  const reset = parseRateLimitHeaders(headers).resetAt;
  if (reset !== undefined) return reset;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? date : undefined;
}

/** The response's `Date` header (Aircall's clock), or the local time when it is missing or invalid. */
export function serverTime(headers: HeaderSource, now: number): Date {
  const value = headers.get('date');
  const parsed = value === null ? NaN : Date.parse(value);
  return new Date(Number.isFinite(parsed) ? parsed : now);
}
