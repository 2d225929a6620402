/** What the rate limiter decided for one request. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the current window ends. */
  resetAt: number;
}

/**
 * Aircall's per-company budget as a fixed window: the first request opens a window of `windowMs`;
 * at most `limit` requests are served in it, the rest get 429 until it ends (the lock-out).
 * https://developer.aircall.io/api-references/#rate-limiting (docs/aircall-behaviour.md §6)
 */
export class RateWindow {
  private windowStart = -Infinity;
  private used = 0;

  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  take(now: number): RateDecision {
    this.roll(now);
    const allowed = this.used < this.limit;
    if (allowed) this.used += 1;
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.used),
      resetAt: this.windowStart + this.windowMs,
    };
  }

  /** Uses up what is left of the current window, as another integration of the same company would. */
  exhaust(now: number): number {
    this.roll(now);
    this.used = this.limit;
    return this.windowStart + this.windowMs;
  }

  private roll(now: number): void {
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
  }
}
