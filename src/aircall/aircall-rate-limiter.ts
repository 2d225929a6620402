import { AircallClock, systemClock } from './aircall-clock';
import { RateLimitInfo } from './aircall-rate-headers';

export interface AircallRateLimiterOptions {
  /** Requests per window until Aircall's `X-AircallApi-Limit` says otherwise. */
  limit: number;
  windowMs: number;
  clock?: AircallClock;
  /**
   * Extra wait added to each window boundary, to absorb the difference between when a request
   * leaves here and when Aircall counts it. Default: 2% of the window, between 5 ms and 1 s.
   */
  safetyMarginMs?: number;
}

/** One company's budget as seen from here. */
interface CompanyBudget {
  limit: number;
  /** Local send times of the requests granted within the last window (oldest first). */
  sent: number[];
  /** Aircall's own count for its current window, decremented for each request granted since. */
  serverRemaining?: number;
  serverResetAt?: number;
  /** Set by a 429: nobody sends for this company before then. */
  blockedUntil: number;
  /** Grants are handed out one after another, so concurrent callers queue fairly. */
  queue: Promise<void>;
  lastActivity: number;
}

/** Budgets idle for this many windows are forgotten (the next request starts a fresh one). */
const IDLE_WINDOWS_BEFORE_EVICTION = 3;

/**
 * Paces requests per company at Aircall's physical limit: at most `limit` requests in any
 * `windowMs` interval (a sliding log of send times, which is never more than Aircall's fixed window
 * allows), tightened by what Aircall's headers report — when `Remaining` reaches 0 nobody sends until
 * `Reset`, and after a 429 nobody sends until the reset it announced. Aircall limits per company
 * (60/min historically, 120/min in the current reference — docs/aircall-behaviour.md §6,
 * https://developer.aircall.io/api-references/#rate-limiting), so every caller with the same
 * credentials shares one budget. The budget is used fully: a burst of `limit` goes out at once.
 */
export class AircallRateLimiter {
  private readonly budgets = new Map<string, CompanyBudget>();
  private readonly clock: AircallClock;
  private readonly marginMs: number;

  constructor(private readonly options: AircallRateLimiterOptions) {
    this.clock = options.clock ?? systemClock;
    this.marginMs =
      options.safetyMarginMs ?? Math.min(1000, Math.max(5, Math.round(options.windowMs * 0.02)));
  }

  /** Resolves when one request for `key` may be sent, and counts it as sent. */
  acquire(key: string): Promise<void> {
    const budget = this.budget(key);
    const grant = budget.queue.then(() => this.waitForSlot(budget));
    budget.queue = grant.catch(() => undefined);
    return grant;
  }

  /** Takes in the rate-limit headers of a response received for `key`. */
  observe(key: string, info: RateLimitInfo): void {
    const budget = this.budget(key);
    if (info.limit !== undefined) budget.limit = info.limit;
    if (info.remaining === undefined || info.resetAt === undefined) return;
    if (budget.serverResetAt === undefined || info.resetAt > budget.serverResetAt) {
      budget.serverResetAt = info.resetAt;
      budget.serverRemaining = info.remaining;
    } else if (info.resetAt === budget.serverResetAt) {
      // Responses to concurrent requests arrive in any order: the smallest count is the latest.
      budget.serverRemaining = Math.min(budget.serverRemaining ?? info.remaining, info.remaining);
    }
  }

  /** A 429 was answered for `key`: hold every request for that company until `resetAt` (epoch ms). */
  blockUntil(key: string, resetAt: number): void {
    const budget = this.budget(key);
    budget.blockedUntil = Math.max(budget.blockedUntil, resetAt);
    budget.serverRemaining = 0;
    budget.serverResetAt = Math.max(budget.serverResetAt ?? 0, resetAt);
  }

  /** Milliseconds until `key` may send again (0 when it may send now). */
  delayFor(key: string): number {
    const budget = this.budgets.get(key);
    return budget ? Math.max(0, this.earliestSend(budget, this.clock.now()) - this.clock.now()) : 0;
  }

  private async waitForSlot(budget: CompanyBudget): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const at = this.earliestSend(budget, now);
      if (at <= now) {
        budget.sent.push(now);
        budget.lastActivity = now;
        if (
          budget.serverResetAt !== undefined &&
          budget.serverResetAt > now &&
          budget.serverRemaining !== undefined
        ) {
          budget.serverRemaining -= 1;
        }
        return;
      }
      await this.clock.sleep(at - now);
    }
  }

  private earliestSend(budget: CompanyBudget, now: number): number {
    const windowMs = this.options.windowMs;
    while (budget.sent.length > 0 && budget.sent[0] + windowMs + this.marginMs <= now) budget.sent.shift();
    let at = budget.blockedUntil;
    if (budget.sent.length >= budget.limit) {
      at = Math.max(at, budget.sent[budget.sent.length - budget.limit] + windowMs + this.marginMs);
    }
    if (
      budget.serverResetAt !== undefined &&
      budget.serverResetAt > now &&
      (budget.serverRemaining ?? 1) <= 0
    ) {
      at = Math.max(at, budget.serverResetAt + this.marginMs);
    }
    return at;
  }

  private budget(key: string): CompanyBudget {
    let budget = this.budgets.get(key);
    if (!budget) {
      this.evictIdle();
      budget = {
        limit: this.options.limit,
        sent: [],
        blockedUntil: 0,
        queue: Promise.resolve(),
        lastActivity: this.clock.now(),
      };
      this.budgets.set(key, budget);
    }
    return budget;
  }

  private evictIdle(): void {
    if (this.budgets.size < 64) return;
    const horizon = this.clock.now() - IDLE_WINDOWS_BEFORE_EVICTION * this.options.windowMs;
    for (const [key, budget] of this.budgets) {
      if (budget.lastActivity < horizon && budget.blockedUntil < horizon) this.budgets.delete(key);
    }
  }
}
