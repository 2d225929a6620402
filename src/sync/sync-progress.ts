import { AIRCALL_MAX_PER_PAGE } from '../aircall/aircall-client';
import { SyncCheckpoint } from './sync-checkpoint';
import { SyncRun } from './sync-run';
import { AIRCALL_MAX_RECORDS_PER_QUERY } from './sync-window-planner';

/** What is left of a run's call windows: calls and the `GET /v1/calls` requests they take. */
export interface RemainingWork {
  calls: number;
  requests: number;
}

/**
 * The calls and requests left in a checkpoint, or null while a window's size is unknown (a window
 * whose first page was not read yet and that no split estimated).
 */
export function remainingWork(checkpoint: SyncCheckpoint | null): RemainingWork | null {
  if (!checkpoint) return null;
  if (checkpoint.phase === 'reread' || checkpoint.phase === 'done') return { calls: 0, requests: 0 };
  let calls = 0;
  let requests = 0;
  const current = checkpoint.current;
  if (current) {
    const size = current.total ?? current.expected;
    if (size === undefined) return null;
    const reachable = Math.min(size, AIRCALL_MAX_RECORDS_PER_QUERY);
    const left = Math.max(0, reachable - current.pagesDone * AIRCALL_MAX_PER_PAGE);
    calls += left;
    requests += Math.max(current.total === undefined ? 1 : 0, Math.ceil(left / AIRCALL_MAX_PER_PAGE));
  }
  for (const window of checkpoint.pending) {
    if (window.expected === undefined) return null;
    calls += window.expected;
    // Every window costs its first page even when empty.
    requests += Math.max(
      1,
      Math.ceil(Math.min(window.expected, AIRCALL_MAX_RECORDS_PER_QUERY) / AIRCALL_MAX_PER_PAGE),
    );
  }
  return { calls, requests };
}

/**
 * The run's expected calls and estimated finish from its checkpoint: done + what is left, and the
 * time the requests left take at the slower of the company's rate budget and the run's pace so far.
 */
export function estimateProgress(run: SyncRun, ratePerSecond: number, now = new Date()): void {
  const left = remainingWork(run.checkpoint);
  if (!left) {
    run.callsExpected = null;
    run.estimatedFinishAt = null;
    return;
  }
  run.callsExpected = run.callsListed + left.calls;
  const budgetSeconds = ratePerSecond > 0 ? left.requests / ratePerSecond : 0;
  const elapsedSeconds = run.startedAt ? Math.max(0, (now.getTime() - run.startedAt.getTime()) / 1000) : 0;
  const paceSeconds = run.requestsMade > 0 ? (elapsedSeconds / run.requestsMade) * left.requests : 0;
  run.estimatedFinishAt = new Date(now.getTime() + Math.max(budgetSeconds, paceSeconds) * 1000);
}

/** Progress as GraphQL, /health and the console show it. */
export interface ProgressView {
  done: number;
  expected: number | null;
  /** 0–100 with one decimal; null while the expected total is unknown. */
  percent: number | null;
  estimatedFinishAt: Date | null;
}

export function progressView(
  run: Pick<SyncRun, 'status' | 'callsListed' | 'callsExpected' | 'estimatedFinishAt'>,
): ProgressView {
  const done = run.callsListed;
  const expected = run.status === 'succeeded' ? (run.callsExpected ?? done) : run.callsExpected;
  let percent: number | null = null;
  if (run.status === 'succeeded') percent = 100;
  else if (expected !== null)
    percent = expected === 0 ? 100 : Math.min(100, Math.floor((done / expected) * 1000) / 10);
  const finished = run.status === 'succeeded' || run.status === 'failed';
  return { done, expected, percent, estimatedFinishAt: finished ? null : run.estimatedFinishAt };
}
