import { Queryable } from '../database/database';
import { SyncRun } from './sync-run';

/**
 * The run stops where it is without being marked finished: the service is shutting down, or this
 * instance lost the account's sync lease (another instance took it over). The run stays `running` with
 * its checkpoint, and whoever holds the lease next resumes it.
 */
export class SyncStopped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SyncStopped';
  }
}

/** Observation points for tests and diagnostics. */
export interface SyncHooks {
  /** After each batch of pages is committed (data and checkpoint together). A throw fails the run. */
  afterBatchWritten?: (run: Readonly<SyncRun>) => void | Promise<void>;
}

/** What a run needs from the instance driving it: whether to go on, and the lease fence for its writes. */
export interface RunControl {
  /** Throws SyncStopped when the run must stop now. */
  check(): void;
  /** Inside a write transaction: renews the account's lease, throwing SyncStopped when it was lost. */
  fence(runner: Queryable): Promise<void>;
  hooks: SyncHooks;
}
