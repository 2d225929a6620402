import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { CallMediaRepository, MediaCounts } from '../recordings/call-media.repository';
import { scrub } from '../logging/redaction';
import { progressView } from '../sync/sync-progress';
import { SyncStatus } from '../sync/sync-run';
import { withTimeout } from './with-timeout';

export interface InboxBacklog {
  pending: number;
  failed: number;
  /** Deliveries kept but not usable as they are (replay them after an upgrade). */
  quarantined: number;
  /** Age of the oldest pending event, in seconds; 0 when nothing is pending. */
  oldestPendingAgeSeconds: number;
}

export interface SyncProgress {
  queuedRuns: number;
  runningRuns: number;
  /** Calls fetched from Aircall / written to the database by the runs in progress. */
  runningCallsFetched: number;
  runningCallsWritten: number;
}

export interface LastSyncRun {
  kind: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** Calls listed against Aircall's meta.total, percent and estimated finish (see SyncProgress). */
  progress: {
    done: number;
    expected: number | null;
    percent: number | null;
    estimatedFinishAt: string | null;
  };
}

export interface RecordingsHealth {
  mode: 'off' | 'links' | 'archive';
  storage: 'local' | 's3';
  pending: number;
  failed: number;
  expired: number;
  archived: number;
  bytesStored: number;
  /** This instance's downloads: running now, and bytes per second over the last minute. */
  downloading: number;
  downloadBytesPerSecond: number;
}

export interface AccountHealth {
  id: string;
  name: string | null;
  status: string;
  lastSyncedAt: string | null;
  lastSync: LastSyncRun | null;
  /** Whether the newest run that ended (succeeded or failed) failed: the sync is not keeping up. */
  lastFinishedSyncFailed: boolean;
  webhook: { registered: boolean; active: boolean | null; checkedAt: string | null };
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/**
 * The read-only queries behind GET /health and the /metrics gauges: database reachability, inbox
 * backlog, sync progress and per-account status. Each is bounded by HEALTH_TIMEOUT_MS, so a probe
 * answers "unreachable" quickly instead of hanging when the database does.
 */
@Injectable()
export class OperationalReadings {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly media: CallMediaRepository,
  ) {}

  get engine(): 'mysql' | 'sqlite' {
    return this.db.dialect;
  }

  /** Round trip of `SELECT 1`, in ms; throws when the database is unreachable or too slow. */
  async ping(): Promise<number> {
    const started = process.hrtime.bigint();
    await this.bounded(this.db.query('SELECT 1 AS ok'), 'SELECT 1');
    return Number(process.hrtime.bigint() - started) / 1e6;
  }

  async inboxBacklog(now: Date = new Date()): Promise<InboxBacklog> {
    // Every status is served by the (status, next_attempt_at) index.
    const rows = await this.bounded(
      this.db.query<{ status: string; n: unknown; oldest: unknown }>(
        `SELECT status, COUNT(*) AS n, MIN(received_at) AS oldest FROM webhook_events WHERE status IN ('pending', 'failed', 'quarantined') GROUP BY status`,
      ),
      'inbox backlog',
    );
    const pending = rows.find((r) => r.status === 'pending');
    const failed = rows.find((r) => r.status === 'failed');
    const quarantined = rows.find((r) => r.status === 'quarantined');
    const oldest = this.db.parseDate(pending?.oldest);
    return {
      pending: num(pending?.n),
      failed: num(failed?.n),
      quarantined: num(quarantined?.n),
      oldestPendingAgeSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    };
  }

  async syncProgress(): Promise<SyncProgress> {
    const rows = await this.bounded(
      this.db.query<{ status: string; n: unknown; fetched: unknown; written: unknown }>(
        `SELECT status, COUNT(*) AS n, SUM(calls_fetched) AS fetched, SUM(calls_written) AS written
           FROM sync_runs WHERE status IN ('queued', 'running') GROUP BY status`,
      ),
      'sync progress',
    );
    const running = rows.find((r) => r.status === 'running');
    return {
      queuedRuns: num(rows.find((r) => r.status === 'queued')?.n),
      runningRuns: num(running?.n),
      runningCallsFetched: num(running?.fetched),
      runningCallsWritten: num(running?.written),
    };
  }

  /** Archive rows by status and the bytes archived (IDX_call_media_queue serves the GROUP BY). */
  recordingCounts(): Promise<MediaCounts> {
    return this.bounded(this.media.counts(), 'recordings');
  }

  /** Every account with its last sync and webhook state (no credentials, no webhook token hash). */
  async accounts(): Promise<AccountHealth[]> {
    const [accounts, runs, finished] = await Promise.all([
      this.bounded(
        this.db.query(
          `SELECT id, name, status, webhook_id, webhook_active, webhook_checked_at, last_synced_at FROM accounts ORDER BY id`,
        ),
        'accounts',
      ),
      // The newest run of each account: run ids grow with time (Database.newId), so the largest is the latest.
      this.bounded(
        this.db.query(
          `SELECT r.account_id, r.kind, r.status, r.started_at, r.finished_at, r.error,
                  r.calls_listed, r.calls_expected, r.estimated_finish_at
             FROM sync_runs r
             JOIN (SELECT account_id, MAX(id) AS id FROM sync_runs GROUP BY account_id) newest
               ON newest.account_id = r.account_id AND newest.id = r.id`,
        ),
        'last sync runs',
      ),
      this.bounded(
        this.db.query(
          `SELECT r.account_id, r.status
             FROM sync_runs r
             JOIN (SELECT account_id, MAX(id) AS id FROM sync_runs WHERE status IN ('succeeded', 'failed') GROUP BY account_id) newest
               ON newest.account_id = r.account_id AND newest.id = r.id`,
        ),
        'last finished sync runs',
      ),
    ]);
    const failedLast = new Set(
      finished.filter((r) => r.status === 'failed').map((r) => String(r.account_id)),
    );
    const iso = (value: unknown) => this.db.parseDate(value)?.toISOString() ?? null;
    const lastRun = new Map<string, LastSyncRun>();
    for (const r of runs) {
      const progress = progressView({
        status: String(r.status) as SyncStatus,
        callsListed: num(r.calls_listed),
        callsExpected:
          r.calls_expected === null || r.calls_expected === undefined ? null : num(r.calls_expected),
        estimatedFinishAt: this.db.parseDate(r.estimated_finish_at),
      });
      lastRun.set(String(r.account_id), {
        kind: String(r.kind),
        status: String(r.status),
        startedAt: iso(r.started_at),
        finishedAt: iso(r.finished_at),
        error: r.error === null || r.error === undefined ? null : scrub(String(r.error)).slice(0, 300),
        progress: { ...progress, estimatedFinishAt: progress.estimatedFinishAt?.toISOString() ?? null },
      });
    }
    return accounts.map((a) => ({
      id: String(a.id),
      name: a.name === null || a.name === undefined ? null : String(a.name),
      status: String(a.status),
      lastSyncedAt: iso(a.last_synced_at),
      lastSync: lastRun.get(String(a.id)) ?? null,
      lastFinishedSyncFailed: failedLast.has(String(a.id)),
      webhook: {
        registered: a.webhook_id !== null && a.webhook_id !== undefined,
        active: this.db.parseBool(a.webhook_active),
        checkedAt: iso(a.webhook_checked_at),
      },
    }));
  }

  private bounded<T>(work: Promise<T>, what: string): Promise<T> {
    return withTimeout(work, this.config.HEALTH_TIMEOUT_MS, what);
  }
}
