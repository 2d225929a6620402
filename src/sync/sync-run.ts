import { SyncCheckpoint } from './sync-checkpoint';

export type SyncKind = 'backfill' | 'incremental' | 'manual' | 'repair';
export type SyncStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** One row of sync_runs as the sync engine works with it. */
export interface SyncRun {
  id: string;
  accountId: string;
  kind: SyncKind;
  status: SyncStatus;
  windowFrom: Date | null;
  windowTo: Date | null;
  requestsMade: number;
  callsFetched: number;
  callsWritten: number;
  /** Calls of the run's windows written so far, each counted once (what progress counts as done). */
  callsListed: number;
  /** What Aircall's `meta.total` says the run's windows hold, once known (null before). */
  callsExpected: number | null;
  /** When the run should end at the company's rate budget and the pace so far (null when unknown). */
  estimatedFinishAt: Date | null;
  checkpoint: SyncCheckpoint | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  createdAt: Date;
}
