import { defineTable } from '../database/table';

/** `sync_runs`: one row per batch sync run, its window, counters, checkpoint and outcome. */
export const SYNC_RUNS = defineTable('sync_runs', {
  accountId: 'id',
  id: 'bigid',
  kind: 'text',
  status: 'text',
  windowFrom: 'datetime?',
  windowTo: 'datetime?',
  requestsMade: 'int',
  callsFetched: 'int',
  callsWritten: 'int',
  callsListed: 'int',
  callsExpected: 'int?',
  estimatedFinishAt: 'datetime?',
  checkpoint: 'json?',
  error: 'text?',
  startedAt: 'datetime?',
  finishedAt: 'datetime?',
  heartbeatAt: 'datetime?',
  createdAt: 'datetime',
  updatedAt: 'datetime',
});
