import { parseRateLimitHeaders, retryAfter, serverTime } from './aircall-rate-headers';

const headers = (values: Record<string, string>) => new Headers(values);

describe('Aircall rate-limit headers', () => {
  it('reads limit, remaining and a reset in unix seconds', () => {
    expect(
      parseRateLimitHeaders(
        headers({
          'X-AircallApi-Limit': '60',
          'X-AircallApi-Remaining': '12',
          'X-AircallApi-Reset': '1764270000',
        }),
      ),
    ).toEqual({ limit: 60, remaining: 12, resetAt: 1_764_270_000_000, resetPrecisionMs: 1000 });
  });

  it('takes a reset above 1e12 as milliseconds', () => {
    expect(parseRateLimitHeaders(headers({ 'x-aircallapi-reset': '1764270000123' }))).toMatchObject({
      resetAt: 1_764_270_000_123,
      resetPrecisionMs: 1,
    });
  });

  it('ignores missing or malformed values', () => {
    expect(
      parseRateLimitHeaders(headers({ 'x-aircallapi-limit': 'lots', 'x-aircallapi-remaining': '-1' })),
    ).toEqual({
      limit: undefined,
      remaining: undefined,
      resetAt: undefined,
      resetPrecisionMs: undefined,
    });
  });

  it('prefers Aircall reset to Retry-After, then Retry-After in seconds or as a date', () => {
    const now = 1_700_000_000_000;
    expect(retryAfter(headers({ 'x-aircallapi-reset': '1700000030', 'retry-after': '5' }), now)).toBe(
      1_700_000_030_000,
    );
    expect(retryAfter(headers({ 'retry-after': '5' }), now)).toBe(now + 5000);
    expect(retryAfter(headers({ 'retry-after': 'Tue, 14 Nov 2023 22:13:40 GMT' }), now)).toBe(
      Date.parse('2023-11-14T22:13:40Z'),
    );
    expect(retryAfter(headers({}), now)).toBeUndefined();
  });

  it('uses the Date header as server time, else local time', () => {
    expect(serverTime(headers({ date: 'Tue, 14 Nov 2023 22:13:20 GMT' }), 0).toISOString()).toBe(
      '2023-11-14T22:13:20.000Z',
    );
    expect(serverTime(headers({ date: 'garbage' }), 42).getTime()).toBe(42);
  });
});
