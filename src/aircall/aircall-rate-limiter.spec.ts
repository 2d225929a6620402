import { AircallRateLimiter, ReleaseSlot } from './aircall-rate-limiter';
import { AircallClock } from './aircall-clock';

/** A manual clock for unit tests: time moves only when the test advances it. */
class FakeClock implements AircallClock {
  private timers: Array<{ at: number; resolve: () => void }> = [];

  constructor(private current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.current + Math.max(0, ms), resolve }));
  }

  /** Moves time forward by `ms`, firing due sleeps in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flush();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = next.at;
      next.resolve();
    }
    this.current = target;
    await flush();
  }
}

/** Lets every pending promise continuation run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

describe('AircallRateLimiter', () => {
  const WINDOW = 60_000;
  let clock: FakeClock;
  let limiter: AircallRateLimiter;

  beforeEach(() => {
    clock = new FakeClock();
    limiter = new AircallRateLimiter({ limit: 3, windowMs: WINDOW, clock, safetyMarginMs: 10 });
  });

  /** Starts `count` acquisitions and reports which have been granted so far. */
  function request(key: string, count: number): { granted: ReleaseSlot[] } {
    const state = { granted: [] as ReleaseSlot[] };
    for (let i = 0; i < count; i += 1)
      void limiter.acquire(key).then((release) => state.granted.push(release));
    return state;
  }

  it('grants the whole budget at once, then nothing until a window after the answers', async () => {
    const state = request('a', 4);
    await flush();
    expect(state.granted).toHaveLength(3);
    state.granted.forEach((release) => release());
    await clock.advance(WINDOW);
    expect(state.granted).toHaveLength(3);
    await clock.advance(10);
    expect(state.granted).toHaveLength(4);
  });

  it('counts unanswered requests against the budget until they are answered', async () => {
    const state = request('a', 4);
    await flush();
    await clock.advance(5 * WINDOW);
    expect(state.granted).toHaveLength(3);
    state.granted[0]();
    await clock.advance(WINDOW + 10);
    expect(state.granted).toHaveLength(4);
  });

  it('frees a slot at the reset announced by the answer when that comes first', async () => {
    const state = request('a', 4);
    await flush();
    const resetAt = clock.now() + 1000;
    state.granted.forEach((release) => release({ remaining: 0, resetAt, resetPrecisionMs: 1 }));
    await clock.advance(1000);
    expect(state.granted).toHaveLength(3);
    await clock.advance(11);
    expect(state.granted).toHaveLength(4);
  });

  it('adds a second of doubt to resets given in whole seconds', async () => {
    const state = request('a', 4);
    await flush();
    const resetAt = clock.now() + 1000;
    state.granted.forEach((release) => release({ remaining: 0, resetAt, resetPrecisionMs: 1000 }));
    await clock.advance(2000);
    expect(state.granted).toHaveLength(3);
    await clock.advance(10);
    expect(state.granted).toHaveLength(4);
  });

  it('ignores a reset older than the request itself', async () => {
    const state = request('a', 4);
    await flush();
    state.granted.forEach((release) => release({ resetAt: clock.now() - 5000, resetPrecisionMs: 1 }));
    await clock.advance(WINDOW);
    expect(state.granted).toHaveLength(3);
  });

  it('stops when Aircall reports no remaining requests, until its reset', async () => {
    limiter.observe('a', { limit: 3, remaining: 0, resetAt: clock.now() + 5000 });
    const state = request('a', 1);
    await clock.advance(5000);
    expect(state.granted).toHaveLength(0);
    await clock.advance(10);
    expect(state.granted).toHaveLength(1);
  });

  it('holds every caller of a company after a 429 until the announced reset', async () => {
    limiter.blockUntil('a', clock.now() + 30_000);
    const state = request('a', 2);
    await clock.advance(29_999);
    expect(state.granted).toHaveLength(0);
    await clock.advance(20);
    expect(state.granted).toHaveLength(2);
  });

  it('adopts the limit Aircall announces', async () => {
    limiter.observe('a', { limit: 5 });
    const state = request('a', 6);
    await flush();
    expect(state.granted).toHaveLength(5);
  });

  it('keeps companies apart', async () => {
    const a = request('a', 4);
    const b = request('b', 3);
    await flush();
    expect(a.granted).toHaveLength(3);
    expect(b.granted).toHaveLength(3);
    expect(limiter.delayFor('a')).toBe(Infinity);
    expect(limiter.delayFor('c')).toBe(0);
  });

  it('serves waiting callers in arrival order', async () => {
    const order: number[] = [];
    const releases: ReleaseSlot[] = [];
    for (let i = 0; i < 6; i += 1) {
      void limiter.acquire('a').then((release) => {
        order.push(i);
        releases.push(release);
      });
    }
    await flush();
    releases.splice(0).forEach((release) => release());
    await clock.advance(WINDOW + 10);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  describe('background requests', () => {
    beforeEach(() => {
      limiter = new AircallRateLimiter({ limit: 4, windowMs: WINDOW, clock, safetyMarginMs: 10 });
    });

    it('use at most half the budget', async () => {
      const granted: ReleaseSlot[] = [];
      for (let i = 0; i < 4; i += 1) void limiter.acquire('a', 'background').then((r) => granted.push(r));
      await flush();
      expect(granted).toHaveLength(2);
      // Normal requests still get the other half at once.
      const normal = request('a', 2);
      await flush();
      expect(normal.granted).toHaveLength(2);
      // Once the window frees the slots, the waiting background requests go (two by two).
      [...granted, ...normal.granted].forEach((release) => release());
      await clock.advance(WINDOW + 20);
      expect(granted).toHaveLength(4);
    });

    it('never go ahead of a waiting normal request', async () => {
      const first = request('a', 4);
      await flush();
      expect(first.granted).toHaveLength(4);
      const waitingNormal = request('a', 1);
      const background: ReleaseSlot[] = [];
      void limiter.acquire('a', 'background').then((r) => background.push(r));
      first.granted.forEach((release) => release());
      await clock.advance(WINDOW + 20);
      expect(waitingNormal.granted).toHaveLength(1);
      expect(background).toHaveLength(1);
      // The normal one was granted first: the background one waited for it to leave the queue.
      expect(limiter.delayFor('a')).toBe(0);
    });

    it('wait while Aircall reports less than half the budget left', async () => {
      limiter.observe('a', { limit: 4, remaining: 1, resetAt: clock.now() + 5_000 });
      const background: ReleaseSlot[] = [];
      void limiter.acquire('a', 'background').then((r) => background.push(r));
      await clock.advance(1_000);
      expect(background).toHaveLength(0);
      await clock.advance(5_000);
      expect(background).toHaveLength(1);
    });
  });
});
