import { CallWindow } from './call-window';

/** Where a run stands, so a killed or failed run resumes without gaps and without refetching. */
export interface SyncCheckpoint {
  /** reference: users/teams/numbers/tags; calls: the windows; reread: calls whose stored state is likely stale. */
  phase: 'reference' | 'calls' | 'reread' | 'done';
  /** Windows not started yet, oldest first. */
  pending: CallWindow[];
  /** The window being fetched: every page up to `pagesDone` is written. */
  current: (CallWindow & { pagesDone: number }) | null;
  /** Ids of failed runs whose remaining windows this run took over. */
  resumed?: string[];
  /** Set on a failed run once another run took its remaining windows over. */
  resumedBy?: string;
  /** Windows whose calls could not all be reached (more than 10,000 calls in one second). */
  truncated?: CallWindow[];
}

export function initialCheckpoint(window: CallWindow): SyncCheckpoint {
  return { phase: 'reference', pending: [window], current: null };
}

/** True when a run stopped with call windows left to fetch. */
export function hasRemainingWindows(checkpoint: SyncCheckpoint | null): boolean {
  if (!checkpoint || checkpoint.phase === 'done' || checkpoint.phase === 'reread') return false;
  return checkpoint.current !== null || checkpoint.pending.length > 0;
}
