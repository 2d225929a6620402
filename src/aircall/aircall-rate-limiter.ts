import { AircallClock, systemClock } from './aircall-clock';
import { RateLimitInfo } from './aircall-rate-headers';

export interface AircallRateLimiterOptions {
  /** Requests per window until Aircall's `X-AircallApi-Limit` says otherwise. */
  limit: number;
  windowMs: number;
  clock?: AircallClock;
  /**
   * Extra wait added to each window boundary against clock granularity (Aircall's reset header is in
   * whole seconds). Default: 0.5% of the window, between 2 ms and 250 ms.
   */
  safetyMarginMs?: number;
}

/** One company's budget as seen from here. */
interface CompanyBudget {
  limit: number;
  /** When each answered request stops counting against the budget (ascending). */
  expiries: number[];
  /** Requests sent and not yet answered: they count against the budget until they are. */
  inFlight: number;
  /** Aircall's own count for its current window, decremented for each request granted since. */
  serverRemaining?: number;
  serverResetAt?: number;
  /** Set by a 429: nobody sends for this company before then. */
  blockedUntil: number;
  /** Normal requests waiting for a slot: background requests never go ahead of them. */
  waiting: number;
  /** Background requests past the headroom check and not yet granted. */
  backgroundQueued: number;
  /** Grants are handed out one after another, so concurrent callers queue fairly. */
  queue: Promise<void>;
  /** Resolved (and replaced) whenever an in-flight request is answered. */
  answeredSignal: { promise: Promise<void>; resolve: () => void };
  lastActivity: number;
}

/** Budgets idle for this many windows are forgotten (the next request starts a fresh one). */
const IDLE_WINDOWS_BEFORE_EVICTION = 3;

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Call once the request's answer (or failure) has arrived, with the answer's rate-limit headers. */
export type ReleaseSlot = (answer?: RateLimitInfo) => void;

/**
 * `background` requests (refreshing a recording's link) use at most this share of a company's budget
 * and only when no normal request waits: syncing the calls themselves always comes first.
 */
export const BACKGROUND_SHARE = 0.5;
export type RequestPriority = 'normal' | 'background';

/**
 * Paces requests per company at Aircall's physical limit. A request holds a slot from the moment it
 * is sent until `windowMs` after its answer arrived — or, sooner, until the reset its answer announced
 * (the window that counted it is then over) — and at most `limit` slots exist: Aircall counts a
 * request somewhere between send and answer, so no window of Aircall's clock sees more than `limit`
 * of them whatever the latency, while the budget is still used fully (a burst of `limit` goes out at
 * once, and a new window's budget is used as soon as it opens). On top of that, what Aircall's
 * headers report tightens it: when `Remaining` reaches 0 nobody sends until `Reset`, and after a 429
 * nobody sends until the announced reset. Aircall limits per company (60/min historically, 120/min in
 * the current reference — docs/aircall-behaviour.md §6, https://developer.aircall.io/api-references/),
 * so every caller with the same credentials shares one budget.
 */
export class AircallRateLimiter {
  private readonly budgets = new Map<string, CompanyBudget>();
  private readonly clock: AircallClock;
  private readonly marginMs: number;

  constructor(private readonly options: AircallRateLimiterOptions) {
    this.clock = options.clock ?? systemClock;
    this.marginMs =
      options.safetyMarginMs ?? Math.min(250, Math.max(2, Math.round(options.windowMs * 0.005)));
  }

  /** Resolves when one request for `key` may be sent; call the returned function when it was answered. */
  acquire(key: string, priority: RequestPriority = 'normal'): Promise<ReleaseSlot> {
    const budget = this.budget(key);
    if (priority === 'background') return this.waitForHeadroom(budget).then(() => this.enqueue(budget, true));
    budget.waiting += 1;
    return this.enqueue(budget, false);
  }

  private enqueue(budget: CompanyBudget, background: boolean): Promise<ReleaseSlot> {
    const grant = budget.queue.then(() => this.waitForSlot(budget));
    budget.queue = grant.then(
      () => undefined,
      () => undefined,
    );
    return grant.then(
      (sentAt) => {
        if (background) budget.backgroundQueued -= 1;
        else budget.waiting -= 1;
        let released = false;
        return (answer?: RateLimitInfo) => {
          if (released) return;
          released = true;
          this.release(budget, sentAt, answer);
        };
      },
      (error: unknown) => {
        if (background) budget.backgroundQueued -= 1;
        else budget.waiting -= 1;
        throw error;
      },
    );
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

  /** Requests per second `key` may send: its limit (as Aircall last announced it) over the window. */
  ratePerSecond(key: string): number {
    const limit = this.budgets.get(key)?.limit ?? this.options.limit;
    return limit / (this.options.windowMs / 1000);
  }

  /** Milliseconds until `key` may send again (0 when it may send now, Infinity while waiting for answers). */
  delayFor(key: string): number {
    const budget = this.budgets.get(key);
    if (!budget) return 0;
    const now = this.clock.now();
    return Math.max(0, this.earliestSend(budget, now) - now);
  }

  private release(budget: CompanyBudget, sentAt: number, answer: RateLimitInfo | undefined): void {
    const now = this.clock.now();
    let expiry = now + this.options.windowMs + this.marginMs;
    // The answer names the end of the window that counted this request; a reset before the request
    // was sent cannot be that window (clock skew, a stale header) and is ignored.
    if (answer?.resetAt !== undefined && answer.resetAt > sentAt) {
      expiry = Math.min(expiry, answer.resetAt + (answer.resetPrecisionMs ?? 1000) + this.marginMs);
    }
    budget.inFlight -= 1;
    budget.expiries.splice(sortedIndex(budget.expiries, expiry), 0, expiry);
    budget.lastActivity = now;
    const answered = budget.answeredSignal;
    budget.answeredSignal = signal();
    answered.resolve();
  }

  /** Resolves once a background request may queue: no normal request waits and half the budget is free. */
  private async waitForHeadroom(budget: CompanyBudget): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const at = this.earliestSend(budget, now);
      const used = budget.expiries.length + budget.inFlight;
      const serverLow =
        budget.serverResetAt !== undefined &&
        budget.serverResetAt > now &&
        budget.serverRemaining !== undefined &&
        budget.serverRemaining < budget.limit * BACKGROUND_SHARE;
      if (
        at <= now &&
        budget.waiting === 0 &&
        used + budget.backgroundQueued < budget.limit * BACKGROUND_SHARE &&
        !serverLow
      ) {
        // Counted before the caller resumes, so concurrent background requests see each other.
        budget.backgroundQueued += 1;
        return;
      }
      const wake = Math.min(
        budget.expiries[0] ?? Infinity,
        serverLow ? budget.serverResetAt! + this.marginMs : Infinity,
        at > now ? at : Infinity,
        now + this.options.windowMs / 4,
      );
      await Promise.race([this.clock.sleep(Math.max(1, wake - now)), budget.answeredSignal.promise]);
    }
  }

  /** Resolves with the send time once a slot is granted. */
  private async waitForSlot(budget: CompanyBudget): Promise<number> {
    for (;;) {
      const now = this.clock.now();
      const at = this.earliestSend(budget, now);
      if (at <= now) {
        budget.inFlight += 1;
        budget.lastActivity = now;
        if (
          budget.serverResetAt !== undefined &&
          budget.serverResetAt > now &&
          budget.serverRemaining !== undefined
        ) {
          budget.serverRemaining -= 1;
        }
        return now;
      }
      if (at === Infinity) await budget.answeredSignal.promise;
      else await Promise.race([this.clock.sleep(at - now), budget.answeredSignal.promise]);
    }
  }

  /** Epoch ms from which one more request may be sent (Infinity: only an answer can free a slot). */
  private earliestSend(budget: CompanyBudget, now: number): number {
    while (budget.expiries.length > 0 && budget.expiries[0] <= now) budget.expiries.shift();
    let at = budget.blockedUntil;
    const excess = budget.expiries.length + budget.inFlight - budget.limit + 1;
    if (excess > 0)
      at = Math.max(at, excess <= budget.expiries.length ? budget.expiries[excess - 1] : Infinity);
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
        expiries: [],
        inFlight: 0,
        blockedUntil: 0,
        waiting: 0,
        backgroundQueued: 0,
        queue: Promise.resolve(),
        answeredSignal: signal(),
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
      if (budget.inFlight === 0 && budget.lastActivity < horizon && budget.blockedUntil < horizon)
        this.budgets.delete(key);
    }
  }
}

function sortedIndex(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
