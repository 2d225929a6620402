import { CallWindow } from './call-window';

/** Where a run stands, so a killed or failed run resumes without gaps and without refetching. */
export interface SyncCheckpoint {
  /** reference: users/teams/numbers/tags; calls: the windows; reread: calls whose stored state is likely stale. */
  phase: 'reference' | 'calls' | 'reread' | 'done';
  /** Windows not started yet, oldest first. */
  pending: PlannedWindow[];
  /** The window being fetched: every page up to `pagesDone` is written; `total` once its first page is read. */
  current: (PlannedWindow & { pagesDone: number; total?: number }) | null;
  /** Ids of failed runs whose remaining windows this run took over. */
  resumed?: string[];
  /** Set on a failed run once another run took its remaining windows over. */
  resumedBy?: string;
  /** Windows whose calls could not all be reached (more than 10,000 calls in one second). */
  truncated?: CallWindow[];
  /**
   * false once the run failed for a reason retrying cannot fix (Aircall refused the request itself, or
   * its window is not a valid range): no later run takes its windows over.
   */
  resumable?: boolean;
}

/**
 * A window to fetch and, where known, how many calls it holds: estimated from its parent's `meta.total`
 * when a window over the cap was split, exact once its own first page is read.
 */
export type PlannedWindow = CallWindow & { expected?: number };

export function initialCheckpoint(window: CallWindow): SyncCheckpoint {
  return { phase: 'reference', pending: [window], current: null };
}

/** True when a run stopped with call windows left to fetch. */
export function hasRemainingWindows(checkpoint: SyncCheckpoint | null): boolean {
  if (!checkpoint || checkpoint.resumable === false) return false;
  if (checkpoint.phase === 'done' || checkpoint.phase === 'reread') return false;
  return checkpoint.current !== null || checkpoint.pending.length > 0;
}

/** A window `GET /v1/calls` can be asked for: whole seconds, from before to, within 1970–9999. */
export function isValidWindow(window: unknown): window is CallWindow {
  const w = window as Partial<CallWindow> | null;
  return (
    w !== null &&
    typeof w === 'object' &&
    Number.isSafeInteger(w.from) &&
    Number.isSafeInteger(w.to) &&
    w.from! >= -1 &&
    w.to! <= MAX_WINDOW_SECONDS &&
    w.from! < w.to!
  );
}

/** The end of year 9999, in unix seconds. */
const MAX_WINDOW_SECONDS = 253_402_300_799;

/** Why the run's checkpoint cannot be resumed as it is (a window that is no valid range), or null. */
export function checkpointProblem(checkpoint: SyncCheckpoint | null): string | null {
  if (!checkpoint) return null;
  const windows = [...(checkpoint.pending ?? []), ...(checkpoint.current ? [checkpoint.current] : [])];
  const bad = windows.find((w) => !isValidWindow(w));
  return bad === undefined ? null : `its window ${JSON.stringify(bad)} is not a valid time range`;
}
