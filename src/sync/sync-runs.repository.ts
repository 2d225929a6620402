import { Injectable } from '@nestjs/common';
import { Database, Queryable, Row } from '../database/database';
import { checkpointProblem, initialCheckpoint, SyncCheckpoint } from './sync-checkpoint';
import { SyncKind, SyncRun, SyncStatus } from './sync-run';
import { SYNC_RUNS } from './sync-runs-table';

const COLUMNS = SYNC_RUNS.select();

/** Every query of sync_runs, and the account's sync cursor the runs advance. */
@Injectable()
export class SyncRunsRepository {
  constructor(private readonly db: Database) {}

  async create(
    values: {
      accountId: string;
      kind: SyncKind;
      windowFrom: Date;
      windowTo: Date;
      checkpoint: SyncCheckpoint;
    },
    now = new Date(),
  ): Promise<SyncRun> {
    const id = this.db.newId();
    const at = this.db.date(now);
    await this.db.execute(
      `INSERT INTO sync_runs (account_id, id, kind, window_from, window_to, status, requests_made, calls_fetched, calls_written, checkpoint, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'queued', 0, 0, 0, ?, ?, ?)`,
      [
        values.accountId,
        id,
        values.kind,
        this.db.date(values.windowFrom),
        this.db.date(values.windowTo),
        JSON.stringify(values.checkpoint),
        at,
        at,
      ],
    );
    return (await this.get(values.accountId, id))!;
  }

  async get(accountId: string, id: string): Promise<SyncRun | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM sync_runs WHERE account_id = ? AND id = ?`, [
      accountId,
      id,
    ]);
    return rows[0] ? this.map(rows[0]) : null;
  }

  /**
   * The next run to execute for an account whose sync lease this process holds: a run left `running`
   * (its instance died or stopped: holding the lease proves nobody else runs it), else the oldest queued.
   */
  async nextRunnable(accountId: string): Promise<SyncRun | null> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM sync_runs WHERE account_id = ? AND status IN ('running', 'queued')
       ORDER BY CASE WHEN status = 'running' THEN 0 ELSE 1 END, created_at, id LIMIT 1`,
      [accountId],
    );
    return rows[0] ? this.map(rows[0]) : null;
  }

  /** Accounts with runs waiting or left running (to resume after a restart or a lost lease). */
  async accountsWithUnfinishedRuns(): Promise<string[]> {
    const rows = await this.db.query<{ account_id: unknown }>(
      "SELECT DISTINCT account_id FROM sync_runs WHERE status IN ('queued', 'running')",
    );
    return rows.map((row) => String(row.account_id));
  }

  async hasUnfinishedRun(accountId: string): Promise<boolean> {
    const rows = await this.db.query(
      "SELECT id FROM sync_runs WHERE account_id = ? AND status IN ('queued', 'running') LIMIT 1",
      [accountId],
    );
    return rows.length > 0;
  }

  /** Failed runs of the account that stopped with windows left and were not taken over yet, oldest first. */
  async failedWithCheckpoint(accountId: string): Promise<SyncRun[]> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM sync_runs WHERE account_id = ? AND status = 'failed' AND checkpoint IS NOT NULL ORDER BY created_at, id`,
      [accountId],
    );
    return rows.map((row) => this.map(row));
  }

  async markRunning(runner: Queryable, run: SyncRun, now = new Date()): Promise<void> {
    await this.db.execute(
      `UPDATE sync_runs SET status = 'running', started_at = COALESCE(started_at, ?), heartbeat_at = ?, checkpoint = ?, error = NULL, updated_at = ?
       WHERE account_id = ? AND id = ?`,
      [
        this.db.date(now),
        this.db.date(now),
        JSON.stringify(run.checkpoint),
        this.db.date(now),
        run.accountId,
        run.id,
      ],
      runner,
    );
  }

  /** Counters and checkpoint; in the page's transaction so the checkpoint never runs ahead of the data. */
  async saveProgress(runner: Queryable, run: SyncRun, now = new Date()): Promise<void> {
    await this.db.execute(
      `UPDATE sync_runs SET requests_made = ?, calls_fetched = ?, calls_written = ?, calls_listed = ?, calls_expected = ?, estimated_finish_at = ?, checkpoint = ?, heartbeat_at = ?, updated_at = ?
       WHERE account_id = ? AND id = ?`,
      [
        run.requestsMade,
        run.callsFetched,
        run.callsWritten,
        run.callsListed,
        run.callsExpected,
        run.estimatedFinishAt === null ? null : this.db.date(run.estimatedFinishAt),
        JSON.stringify(run.checkpoint),
        this.db.date(now),
        this.db.date(now),
        run.accountId,
        run.id,
      ],
      runner,
    );
  }

  async heartbeat(run: SyncRun, now = new Date()): Promise<void> {
    await this.db.execute('UPDATE sync_runs SET heartbeat_at = ? WHERE account_id = ? AND id = ?', [
      this.db.date(now),
      run.accountId,
      run.id,
    ]);
  }

  async finish(
    run: SyncRun,
    status: Extract<SyncStatus, 'succeeded' | 'failed'>,
    error: string | null,
    now = new Date(),
  ): Promise<void> {
    await this.db.execute(
      `UPDATE sync_runs SET status = ?, error = ?, finished_at = ?, heartbeat_at = ?, requests_made = ?, calls_fetched = ?, calls_written = ?, calls_listed = ?, calls_expected = ?, estimated_finish_at = NULL, checkpoint = ?, updated_at = ?
       WHERE account_id = ? AND id = ?`,
      [
        status,
        error === null ? null : error.slice(0, 4000),
        this.db.date(now),
        this.db.date(now),
        run.requestsMade,
        run.callsFetched,
        run.callsWritten,
        run.callsListed,
        // A run that succeeded listed every call its windows held: that is what was expected.
        status === 'succeeded' ? run.callsListed : run.callsExpected,
        JSON.stringify(run.checkpoint),
        this.db.date(now),
        run.accountId,
        run.id,
      ],
    );
  }

  /** Fails every queued run of the account (its credentials were refused: they could only fail the same way). */
  async failQueued(accountId: string, error: string, now = new Date()): Promise<void> {
    await this.db.execute(
      "UPDATE sync_runs SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE account_id = ? AND status = 'queued'",
      [error.slice(0, 4000), this.db.date(now), this.db.date(now), accountId],
    );
  }

  /**
   * Closes the runs whose window cannot be fetched — a missing bound, or a checkpoint window that is
   * no valid range — as failed and not resumable. Returns how many it closed.
   */
  async closeInvalid(now = new Date()): Promise<number> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM sync_runs
        WHERE status IN ('queued', 'running') OR (status = 'failed' AND checkpoint IS NOT NULL)`,
    );
    let closed = 0;
    for (const run of rows.map((row) => this.map(row))) {
      if (run.checkpoint?.resumable === false || run.checkpoint?.resumedBy) continue;
      const missing = !run.windowFrom || !run.windowTo || run.windowFrom.getTime() >= run.windowTo.getTime();
      const problem = missing ? 'it has no valid window (from before to)' : checkpointProblem(run.checkpoint);
      if (problem === null) continue;
      const checkpoint = { ...(run.checkpoint ?? initialCheckpoint({ from: 0, to: 0 })), resumable: false };
      const error =
        run.status === 'failed' ? run.error : `closed at start: ${problem}; later runs start from the cursor`;
      await this.db.execute(
        `UPDATE sync_runs SET status = 'failed', error = ?, checkpoint = ?, finished_at = COALESCE(finished_at, ?), updated_at = ?
          WHERE account_id = ? AND id = ?`,
        [error, JSON.stringify(checkpoint), this.db.date(now), this.db.date(now), run.accountId, run.id],
      );
      closed += 1;
    }
    return closed;
  }

  /** Records that `takenBy` took over the remaining windows of the failed run `run`. */
  async markTakenOver(runner: Queryable, run: SyncRun, takenBy: string): Promise<void> {
    await this.db.execute(
      'UPDATE sync_runs SET checkpoint = ? WHERE account_id = ? AND id = ?',
      [JSON.stringify({ ...run.checkpoint, resumedBy: takenBy }), run.accountId, run.id],
      runner,
    );
  }

  /**
   * accounts.sync_cursor ("calls started up to here are synced") moves forward only, and only when the run
   * started at or before it (a run further ahead would leave a gap behind the cursor); last_synced_at
   * records every success. The accounts module owns the row; these two columns belong to the sync.
   */
  async advanceCursor(accountId: string, windowFrom: Date, windowTo: Date, now = new Date()): Promise<void> {
    const to = this.db.date(windowTo);
    await this.db.execute(
      `UPDATE accounts SET
         sync_cursor = CASE WHEN sync_cursor IS NULL OR (sync_cursor >= ? AND sync_cursor < ?) THEN ? ELSE sync_cursor END,
         last_synced_at = ?
       WHERE id = ?`,
      [this.db.date(windowFrom), to, to, this.db.date(now), accountId],
    );
  }

  private map(row: Row): SyncRun {
    const { updatedAt: _updatedAt, checkpoint, ...run } = SYNC_RUNS.decode(this.db, row);
    return {
      ...run,
      kind: run.kind as SyncKind,
      status: run.status as SyncStatus,
      checkpoint: checkpoint as SyncCheckpoint | null,
      createdAt: run.createdAt ?? new Date(0),
    };
  }
}
