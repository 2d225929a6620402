import { SyncCheckpoint } from './sync-checkpoint';
import { estimateProgress, progressView, remainingWork } from './sync-progress';
import { SyncRun } from './sync-run';

function aRun(overrides: Partial<SyncRun>): SyncRun {
  return {
    id: '1',
    accountId: '42',
    kind: 'backfill',
    status: 'running',
    windowFrom: new Date('2026-01-01T00:00:00Z'),
    windowTo: new Date('2026-01-02T00:00:00Z'),
    requestsMade: 0,
    callsFetched: 0,
    callsWritten: 0,
    callsListed: 0,
    callsExpected: null,
    estimatedFinishAt: null,
    checkpoint: null,
    error: null,
    startedAt: new Date('2026-01-02T00:00:00Z'),
    finishedAt: null,
    heartbeatAt: null,
    createdAt: new Date('2026-01-02T00:00:00Z'),
    ...overrides,
  };
}

const calls = (
  pending: SyncCheckpoint['pending'],
  current: SyncCheckpoint['current'] = null,
): SyncCheckpoint => ({
  phase: 'calls',
  pending,
  current,
});

describe('remainingWork', () => {
  it('is unknown while a window has neither a total nor an estimate', () => {
    expect(remainingWork(calls([{ from: 0, to: 10 }]))).toBeNull();
    expect(remainingWork(calls([], { from: 0, to: 10, pagesDone: 0 }))).toBeNull();
    expect(remainingWork({ phase: 'reference', pending: [{ from: 0, to: 10 }], current: null })).toBeNull();
  });

  it('counts what is left of the current window and the estimates of the pending ones', () => {
    const checkpoint = calls(
      [
        { from: 10, to: 20, expected: 120 },
        { from: 20, to: 30, expected: 0 },
      ],
      { from: 0, to: 10, pagesDone: 2, total: 130 },
    );
    // 30 calls (1 page) left of the current window, 120 (3 pages) and an empty window (its first page).
    expect(remainingWork(checkpoint)).toEqual({ calls: 150, requests: 5 });
  });

  it('never counts past the 10,000 reachable calls of a truncated window', () => {
    expect(remainingWork(calls([], { from: 0, to: 1, pagesDone: 0, total: 12_000 }))).toEqual({
      calls: 10_000,
      requests: 200,
    });
  });

  it('is nothing once the windows are done', () => {
    expect(remainingWork({ phase: 'reread', pending: [], current: null })).toEqual({ calls: 0, requests: 0 });
  });
});

describe('estimateProgress', () => {
  const now = new Date('2026-01-02T00:10:00Z');

  it('expects what was listed plus what is left, and finishes at the rate budget', () => {
    const run = aRun({
      callsListed: 500,
      requestsMade: 10,
      // 10 requests in 1 s of a 10-minute-old run would be a faster pace than the budget allows.
      startedAt: new Date(now.getTime() - 1000),
      checkpoint: calls([{ from: 10, to: 20, expected: 1000 }]),
    });
    estimateProgress(run, 2, now);
    expect(run.callsExpected).toBe(1500);
    // 20 pages at 2 requests a second.
    expect(run.estimatedFinishAt).toEqual(new Date(now.getTime() + 10_000));
  });

  it('uses the pace so far when the run goes slower than the budget', () => {
    const run = aRun({
      callsListed: 500,
      requestsMade: 10,
      startedAt: new Date(now.getTime() - 100_000),
      checkpoint: calls([{ from: 10, to: 20, expected: 1000 }]),
    });
    estimateProgress(run, 2, now);
    // 10 s a request so far: 20 requests left take 200 s.
    expect(run.estimatedFinishAt).toEqual(new Date(now.getTime() + 200_000));
  });

  it('knows nothing while a window is unknown', () => {
    const run = aRun({ callsExpected: 5, estimatedFinishAt: now, checkpoint: calls([{ from: 0, to: 1 }]) });
    estimateProgress(run, 2, now);
    expect([run.callsExpected, run.estimatedFinishAt]).toEqual([null, null]);
  });
});

describe('progressView', () => {
  const eta = new Date('2026-01-02T01:00:00Z');

  it('gives the percent with one decimal, rounded down, while running', () => {
    expect(
      progressView({ status: 'running', callsListed: 2, callsExpected: 3, estimatedFinishAt: eta }),
    ).toEqual({
      done: 2,
      expected: 3,
      percent: 66.6,
      estimatedFinishAt: eta,
    });
  });

  it('is 100 % with no finish to estimate once succeeded', () => {
    expect(
      progressView({ status: 'succeeded', callsListed: 40, callsExpected: null, estimatedFinishAt: eta }),
    ).toEqual({
      done: 40,
      expected: 40,
      percent: 100,
      estimatedFinishAt: null,
    });
  });

  it('has no percent while the total is unknown, and no estimate once failed', () => {
    expect(
      progressView({ status: 'failed', callsListed: 40, callsExpected: null, estimatedFinishAt: eta }),
    ).toEqual({
      done: 40,
      expected: null,
      percent: null,
      estimatedFinishAt: null,
    });
  });
});
