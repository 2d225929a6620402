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
  checkpoint: SyncCheckpoint | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  createdAt: Date;
}
