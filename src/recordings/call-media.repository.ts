import { Injectable } from '@nestjs/common';
import { Database, Queryable, Row } from '../database/database';
import { CALL_MEDIA } from '../calls/call-tables';
import type { MediaKind } from '../calls/call-media-tracker';
import { RowRead } from '../database/table';

export type MediaStatus = 'pending' | 'checking' | 'archived' | 'failed' | 'expired' | 'deleted';
export type MediaRow = RowRead<typeof CALL_MEDIA>;

/** One claimed row, with the call's current link for its kind. */
export interface MediaJob {
  accountId: string;
  callId: string;
  kind: MediaKind;
  status: MediaStatus;
  attempts: number;
  refreshes: number;
  storageKey: string | null;
  archivedAt: Date | null;
  link: string | null;
  /** When the call row (and so its link) was last written from a snapshot. */
  linkSeenAt: Date | null;
}

/** What finishing a job writes (every column the outcome decides). */
export type MediaOutcome = Partial<
  Pick<
    MediaRow,
    | 'status'
    | 'storageKey'
    | 'sizeBytes'
    | 'durationSeconds'
    | 'contentType'
    | 'sha256'
    | 'archivedAt'
    | 'attempts'
    | 'refreshes'
    | 'nextAttemptAt'
    | 'lastError'
  >
>;

/**
 * A row holds an archived file: it has a storage key and the time it was archived, and is not
 * deleted (retention marks a row deleted after removing its file, keeping the key). Whatever else its
 * status says (`checking` while Aircall is asked whether the file still exists, `failed` or
 * `expired` when that question could not be answered, `pending` while a newer link is fetched), the
 * file is there and served, so people read such a row as archived.
 */
export function holdsFile(row: {
  status: string;
  storageKey: string | null;
  archivedAt: Date | null;
}): boolean {
  return row.status !== 'deleted' && row.storageKey !== null && row.archivedAt !== null;
}

/** holdsFile() in SQL, over call_media's columns. */
const HOLDS_FILE_SQL = `(status <> 'deleted' AND storage_key IS NOT NULL AND archived_at IS NOT NULL)`;

export interface MediaCounts {
  /** Rows by their status as stored (what /metrics' gauge shows). */
  byStatus: Record<string, number>;
  /** Of those, the rows that hold a file (holdsFile), by status. */
  heldByStatus: Record<string, number>;
  /** Bytes of every file held. */
  bytesStored: number;
}

/** The archive as people read it: every row that holds a file is archived (holdsFile). */
export interface MediaSummary {
  pending: number;
  archived: number;
  failed: number;
  expired: number;
  deleted: number;
  bytesStored: number;
}

export function summarize(counts: MediaCounts): MediaSummary {
  const without = (status: MediaStatus) =>
    (counts.byStatus[status] ?? 0) - (counts.heldByStatus[status] ?? 0);
  return {
    pending: without('pending') + without('checking'),
    archived: Object.values(counts.heldByStatus).reduce((sum, n) => sum + n, 0),
    failed: without('failed'),
    expired: without('expired'),
    deleted: counts.byStatus.deleted ?? 0,
    bytesStored: counts.bytesStored,
  };
}

const CLAIMED = CALL_MEDIA.pick([
  'accountId',
  'callId',
  'kind',
  'status',
  'attempts',
  'refreshes',
  'storageKey',
  'archivedAt',
]);
const SHOWN = CALL_MEDIA.omit(['claimedBy', 'claimedUntil', 'createdAt']);
/** What GraphQL reads of a row (no claim). */
export type ShownMediaRow = RowRead<typeof SHOWN>;

/** How long the list of archiving accounts is reused between claims. */
const ACCOUNTS_TTL_MS = 1000;

/** Every query on `call_media` outside the call upsert (CallMediaTracker). */
@Injectable()
export class CallMediaRepository {
  private accountsCache: { at: number; ids: string[] } | null = null;

  constructor(private readonly db: Database) {}

  /** Active accounts that archive, read at most once a second (a switch takes effect within it). */
  private async archivingAccounts(now: Date): Promise<string[]> {
    const cached = this.accountsCache;
    if (cached && now.getTime() - cached.at < ACCOUNTS_TTL_MS && now.getTime() >= cached.at)
      return cached.ids;
    const ids = (
      await this.db.query<{ id: unknown }>(
        `SELECT id FROM accounts WHERE archive_recordings = ? AND status = 'active'`,
        [this.db.bool(true)],
      )
    ).map((row) => String(row.id));
    this.accountsCache = { at: now.getTime(), ids };
    return ids;
  }

  /** Forgets the cached list of archiving accounts (an account was switched on or off here). */
  accountsChanged(): void {
    this.accountsCache = null;
  }

  /**
   * Claims up to `limit` due rows of accounts that archive: locked with SKIP LOCKED so instances take
   * disjoint rows, then marked with `owner` until `until`; a claim left by a dead instance lapses.
   */
  async claim(owner: string, limit: number, now: Date, until: Date): Promise<MediaJob[]> {
    if (limit <= 0) return [];
    const accounts = await this.archivingAccounts(now);
    if (accounts.length === 0) return [];
    const claimed = await this.db.transaction(async (m) => {
      const rows = await this.db.query(
        `SELECT ${CLAIMED.select()} FROM call_media
          WHERE status IN ('pending', 'checking') AND next_attempt_at <= ?
            AND (claimed_until IS NULL OR claimed_until < ?)
            AND account_id IN (${accounts.map(() => '?').join(', ')})
          ORDER BY next_attempt_at LIMIT ${Math.floor(limit)}${this.db.forUpdateSkipLocked}`,
        [this.db.date(now), this.db.date(now), ...accounts],
        m,
      );
      const jobs = rows.map((row) => CLAIMED.decode(this.db, row));
      // One statement per kind for the whole batch.
      for (const kind of new Set(jobs.map((job) => job.kind))) {
        const where = this.db.keysIn(
          'account_id',
          'call_id',
          jobs.filter((job) => job.kind === kind).map((job) => [job.accountId, job.callId] as const),
        );
        await this.db.execute(
          `UPDATE call_media SET claimed_by = ?, claimed_until = ? WHERE kind = ? AND (${where.sql})`,
          [owner, this.db.date(until), kind, ...where.params],
          m,
        );
      }
      return jobs;
    });
    if (claimed.length === 0) return [];
    const links = await this.links(claimed.map((job) => [job.accountId, job.callId] as const));
    return claimed.map((job) => {
      const call = links.get(`${job.accountId}:${job.callId}`);
      return {
        ...job,
        kind: job.kind as MediaKind,
        status: job.status as MediaStatus,
        link: (job.kind === 'voicemail' ? call?.voicemail : call?.recording) ?? null,
        linkSeenAt: call?.seenAt ?? null,
      };
    });
  }

  /** The calls' current links. */
  async links(
    keys: ReadonlyArray<readonly [string, string]>,
  ): Promise<Map<string, { recording: string | null; voicemail: string | null; seenAt: Date | null }>> {
    const where = this.db.keysIn('account_id', 'id', keys);
    const rows = await this.db.query(
      `SELECT account_id, id, recording_url, voicemail_url, updated_at FROM calls WHERE ${where.sql}`,
      where.params,
    );
    return new Map(
      rows.map((row) => [
        `${String(row.account_id)}:${String(row.id)}`,
        {
          recording: row.recording_url === null ? null : String(row.recording_url),
          voicemail: row.voicemail_url === null ? null : String(row.voicemail_url),
          seenAt: this.db.parseDate(row.updated_at),
        },
      ]),
    );
  }

  /** Extends the claims `owner` still holds; returns how many it still holds. */
  async renew(owner: string, jobs: readonly MediaJob[], until: Date): Promise<number> {
    let held = 0;
    for (const job of jobs)
      held += await this.db.execute(
        `UPDATE call_media SET claimed_until = ? WHERE account_id = ? AND call_id = ? AND kind = ? AND claimed_by = ?`,
        [this.db.date(until), job.accountId, job.callId, job.kind, owner],
      );
    return held;
  }

  /**
   * Writes a job's outcome and releases it, only if `owner` still holds the claim (a lapsed claim
   * taken over by another instance is theirs now). False when it no longer did.
   */
  async finish(owner: string, job: MediaJob, outcome: MediaOutcome, runner?: Queryable): Promise<boolean> {
    const set = CALL_MEDIA.pick(Object.keys(outcome) as Array<keyof MediaOutcome>);
    const values = set.values(this.db, outcome as never);
    const assignments = set.columns.map((column) => `${this.db.id(column)} = ?`).join(', ');
    const changed = await this.db.execute(
      `UPDATE call_media SET ${assignments}${assignments ? ', ' : ''}claimed_by = NULL, claimed_until = NULL, updated_at = ?
        WHERE account_id = ? AND call_id = ? AND kind = ? AND claimed_by = ?`,
      [...values, this.db.date(new Date()), job.accountId, job.callId, job.kind, owner],
      runner,
    );
    return changed > 0;
  }

  /** Gives up the claims (at shutdown), so another instance takes them at once. */
  async release(owner: string): Promise<void> {
    await this.db.execute(
      `UPDATE call_media SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?`,
      [owner],
    );
  }

  /** Archived (or still pending) media of calls started before `cutoff`, for the retention sweep. */
  async olderThan(
    cutoff: Date,
    limit: number,
  ): Promise<Array<{ accountId: string; callId: string; kind: string; storageKey: string | null }>> {
    const rows = await this.db.query<Row>(
      `SELECT account_id, call_id, kind, storage_key FROM call_media
        WHERE status IN ('archived', 'pending', 'failed', 'expired', 'checking') AND call_started_at < ?
        ORDER BY call_started_at LIMIT ${Math.floor(limit)}`,
      [this.db.date(cutoff)],
    );
    return rows.map((row) => ({
      accountId: String(row.account_id),
      callId: String(row.call_id),
      kind: String(row.kind),
      storageKey: row.storage_key === null ? null : String(row.storage_key),
    }));
  }

  /** Marks one row deleted (its file is gone), unless someone holds a claim on it. */
  async markDeleted(accountId: string, callId: string, kind: string, reason: string): Promise<boolean> {
    const now = this.db.date(new Date());
    return (
      (await this.db.execute(
        `UPDATE call_media SET status = 'deleted', last_error = ?, updated_at = ?, next_attempt_at = ?
          WHERE account_id = ? AND call_id = ? AND kind = ? AND claimed_by IS NULL AND status <> 'deleted'`,
        [reason, now, now, accountId, callId, kind],
      )) > 0
    );
  }

  /** The rows of these calls, for GraphQL. */
  async forCalls(keys: ReadonlyArray<readonly [string, string]>): Promise<ShownMediaRow[]> {
    if (keys.length === 0) return [];
    const where = this.db.keysIn('account_id', 'call_id', keys);
    const rows = await this.db.query(
      `SELECT ${SHOWN.select()} FROM call_media WHERE ${where.sql}`,
      where.params,
    );
    return rows.map((row) => SHOWN.decode(this.db, row));
  }

  /** One row, for the file route. */
  async find(accountId: string, callId: string, kind: string): Promise<MediaRow | null> {
    const rows = await this.db.query(
      `SELECT ${CALL_MEDIA.select()} FROM call_media WHERE account_id = ? AND call_id = ? AND kind = ?`,
      [accountId, callId, kind],
    );
    return rows.length > 0 ? CALL_MEDIA.decode(this.db, rows[0]) : null;
  }

  /** Rows by status, those holding a file, and the bytes held, overall or for one account. */
  async counts(accountId?: string): Promise<MediaCounts> {
    const rows = await this.db.query<{ status: string; n: unknown; held: unknown; bytes: unknown }>(
      `SELECT status, COUNT(*) AS n, SUM(CASE WHEN ${HOLDS_FILE_SQL} THEN 1 ELSE 0 END) AS held,
              SUM(CASE WHEN ${HOLDS_FILE_SQL} THEN size_bytes ELSE 0 END) AS bytes
         FROM call_media${accountId ? ' WHERE account_id = ?' : ''} GROUP BY status`,
      accountId ? [accountId] : [],
    );
    const byStatus: Record<string, number> = {};
    const heldByStatus: Record<string, number> = {};
    let bytesStored = 0;
    for (const row of rows) {
      byStatus[row.status] = Number(row.n);
      const held = Number(row.held ?? 0);
      if (held > 0) heldByStatus[row.status] = held;
      bytesStored += Number(row.bytes ?? 0);
    }
    return { byStatus, heldByStatus, bytesStored };
  }
}
