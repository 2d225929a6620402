import { SyncWindowPlanner } from './sync-window-planner';
import { CallWindow, windowCovering } from './call-window';

const covers = (parts: CallWindow[], window: CallWindow) => {
  expect(parts[0].from).toBe(window.from);
  expect(parts[parts.length - 1].to).toBe(window.to);
  for (let i = 1; i < parts.length; i += 1) expect(parts[i].from).toBe(parts[i - 1].to);
  for (const part of parts) expect(part.to).toBeGreaterThan(part.from);
};

describe('SyncWindowPlanner', () => {
  const planner = new SyncWindowPlanner();

  it('accepts a window of exactly 10,000 calls and refuses 10,001', () => {
    expect(planner.fits(10_000)).toBe(true);
    expect(planner.fits(10_001)).toBe(false);
  });

  it('splits a window over the cap into consecutive slices that cover it exactly, sized under the cap', () => {
    const window = { from: 1_700_000_000, to: 1_700_000_000 + 30 * 86_400 };
    const parts = planner.split(window, 25_000)!;
    covers(parts, window);
    expect(parts).toHaveLength(3);
    // Evenly spread calls: each slice holds about total / parts, under the cap.
    for (const part of parts)
      expect(((part.to - part.from) / (window.to - window.from)) * 25_000).toBeLessThanOrEqual(10_000);
  });

  it('splits into at least two even when the total is only just over the cap', () => {
    const window = { from: 0, to: 1_000 };
    const parts = planner.split(window, 10_001)!;
    expect(parts.length).toBe(2);
    covers(parts, window);
  });

  it('reaches windows under the cap for 100,000+ calls by splitting recursively, whatever the skew', () => {
    // Calls crowd into the last tenth of the range: recursive splitting still ends under the cap.
    const window = { from: 0, to: 1_000_000 };
    const countIn = (w: CallWindow) => {
      const dense = Math.max(0, Math.min(w.to, 1_000_000) - Math.max(w.from, 900_000));
      const sparse = Math.max(0, Math.min(w.to, 900_000) - Math.max(w.from, 0));
      return Math.round(dense * 1.2 + sparse * 0.01);
    };
    const done: CallWindow[] = [];
    const queue = [window];
    while (queue.length > 0) {
      const next = queue.shift()!;
      const total = countIn(next);
      if (planner.fits(total)) done.push(next);
      else queue.unshift(...planner.split(next, total)!);
    }
    done.sort((a, b) => a.from - b.from);
    covers(done, window);
    expect(done.reduce((sum, w) => sum + countIn(w), 0)).toBeGreaterThanOrEqual(100_000);
    for (const w of done) expect(countIn(w)).toBeLessThanOrEqual(10_000);
  });

  it('cannot split a single second', () => {
    expect(planner.split({ from: 99, to: 100 }, 20_000)).toBeNull();
    expect(planner.split({ from: 98, to: 100 }, 20_000)).toEqual([
      { from: 98, to: 99 },
      { from: 99, to: 100 },
    ]);
  });

  it('never pages past the 10,000th record: at most 200 pages of 50', () => {
    expect(planner.pageCount(0)).toBe(0);
    expect(planner.pageCount(1)).toBe(1);
    expect(planner.pageCount(50)).toBe(1);
    expect(planner.pageCount(51)).toBe(2);
    expect(planner.pageCount(10_000)).toBe(200);
    expect(planner.pageCount(12_345)).toBe(200);
  });

  it("covers [from, to] with both instants included, given Aircall's exclusive from", () => {
    const from = new Date('2026-01-01T00:00:00.900Z');
    const to = new Date('2026-01-02T00:00:00.100Z');
    expect(windowCovering(from, to)).toEqual({
      from: Math.floor(from.getTime() / 1000) - 1,
      to: Math.floor(to.getTime() / 1000),
    });
  });
});
