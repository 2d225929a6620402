import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '../config/app-config';
import { constantTimeEqual } from '../crypto/hashing';
import { Database, DatabaseUnavailableError, isDatabaseUnavailable } from '../database/database';
import { MetricsService } from '../metrics/metrics.service';
import { INBOX_INSERT } from './inbox-table';
import { WebhookEnvelope } from './webhook-envelope';

export interface InboxEntry {
  /** SHA-256 (hex) of the delivery's token: it names the account, checked when the row is written. */
  tokenHash: string;
  envelope: WebhookEnvelope;
  receivedAt: Date;
}

/** A delivery whose envelope could not be read: kept whole (token removed) with the reason. */
export interface QuarantinedEntry {
  tokenHash: string;
  /** The body without its token, parsed. */
  body: Record<string, unknown>;
  reason: string;
  receivedAt: Date;
}

/** No connected account holds the delivery's token (never was, disconnected, purged, uninstalled). */
export class UnknownWebhookTokenError extends Error {
  constructor() {
    super('unknown webhook token');
    this.name = 'UnknownWebhookTokenError';
  }
}

interface Pending {
  tokenHash: string;
  /** The delivery's columns (DELIVERY); next_attempt_at is set when it is written. */
  row: unknown[];
  receivedAtMs: number;
  /** Bytes of the row's documents: a statement carries at most MAX_BYTES_PER_INSERT of them. */
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const RESOURCE_NAME = /^[a-z_]{1,32}$/;
const EVENT_NAME = /^[a-z_]+(\.[a-z0-9_]+)+$/;

/** What a delivery brings to its inbox row: every inserted column but account_id (from its token). */
const DELIVERY = INBOX_INSERT.omit(['accountId']);
/** Columns of one inbox row, in insert order: account_id, then the delivery's. */
export const INBOX_COLUMNS = ['account_id', ...DELIVERY.columns];
const DUE_COLUMN = DELIVERY.columns.indexOf('next_attempt_at');
const MAX_ROWS_PER_INSERT = 500;
/**
 * Bytes of payload per INSERT, below MariaDB's default max_allowed_packet (16 MiB) with room for
 * escaping: a batch of large deliveries (long transcripts) goes in several statements.
 */
const MAX_BYTES_PER_INSERT = 4 * 1024 * 1024;

/**
 * The identity of a delivery: Aircall sends no delivery id, and a retry repeats the same event,
 * timestamp and data — so the same delivery twice is one inbox row.
 *
 * 32 hex characters: the envelope timestamp (10), then a SHA-256 prefix of event, timestamp and data
 * (22). The id is the second column of the inbox's primary key, and InnoDB stores rows in primary key
 * order: leading with the time puts an account's new rows next to each other instead of on random
 * pages, so the inbox INSERT and the processor's claim and UPDATE touch a few pages per batch, not
 * one page per row.
 */
export function deliveryFingerprint(envelope: Pick<WebhookEnvelope, 'event' | 'timestamp' | 'data'>): string {
  return fingerprintOf(envelope.event, envelope.timestamp, JSON.stringify(envelope.data));
}

function fingerprintOf(event: string, timestamp: number, dataJson: string): string {
  const time = Math.trunc(timestamp).toString(16).padStart(10, '0');
  // The same bytes as hashing `${event}\n${timestamp}\n${dataJson}`, without copying the payload into that string.
  const hash = createHash('sha256').update(`${event}\n${timestamp}\n`).update(dataJson).digest('hex');
  return `${time}${hash.slice(0, 22)}`;
}

/**
 * What the inbox stores of a delivery whose envelope cannot be read: its body as text, and what can
 * be told of its resource, event and time (`unknown` and 0 otherwise). The id is a fingerprint of the
 * body, so a retry of the same delivery is the same row.
 */
export function quarantinedDelivery(body: Record<string, unknown>): {
  id: string;
  resource: string;
  event: string;
  timestamp: number;
  raw: string;
} {
  const raw = JSON.stringify(body);
  const resource =
    typeof body.resource === 'string' && RESOURCE_NAME.test(body.resource) ? body.resource : 'unknown';
  const event =
    typeof body.event === 'string' && body.event.length <= 64 && EVENT_NAME.test(body.event)
      ? body.event
      : 'unknown';
  const timestamp =
    typeof body.timestamp === 'number' && Number.isSafeInteger(body.timestamp) && body.timestamp > 0
      ? Math.min(body.timestamp, MAX_FINGERPRINT_TIME)
      : 0;
  return { id: fingerprintOf(event, timestamp, raw), resource, event, timestamp, raw };
}

/** The largest time the fingerprint's 10 hex digits hold (year 36812): a millisecond timestamp is clamped. */
const MAX_FINGERPRINT_TIME = 0xff_ffff_ffff;

/**
 * Durable store of webhook deliveries (the inbox). `store()` resolves only once the row is committed.
 *
 * Concurrent deliveries are group-committed: while one multi-row INSERT is in flight, newly arrived
 * deliveries queue up and go together in the next one. At low load each delivery is its own INSERT
 * (no added latency); under load the number of round trips and commits drops by the batch size.
 * If a batch fails for a reason other than the database being down, its rows are retried one by
 * one so a single bad row cannot fail the deliveries it travelled with.
 *
 * Each row is written only if an account holds its token at that moment, checked by the database in
 * the INSERT itself (see insert()) rather than against a cache: a token a disconnect or a purge
 * removed on any instance is refused by every instance at once.
 *
 * Fair share: an account's deliveries become due at most INBOX_FAIR_SHARE_PER_SECOND per second (a
 * burst is spread over the following seconds), so the processor, which applies due rows oldest first,
 * reaches another account's delivery after at most the rows already due before it.
 */
@Injectable()
export class WebhookInbox {
  private readonly logger = new Logger(WebhookInbox.name);
  private readonly queue: Pending[] = [];
  /** The joined INSERT by number of rows (batches under load take a few sizes over and over). */
  private readonly joinedStatements = new Map<number, string>();
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly listeners: Array<() => void> = [];
  /** When each token's latest delivery became due (epoch ms), for the fair share. */
  private readonly lastDue = new Map<string, number>();
  private readonly spacingMs: number;

  constructor(
    private readonly db: Database,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    // One INSERT at a time by default: under load each carries every delivery that arrived during the
    // previous one, and fewer, larger statements cost the database less CPU on a machine it shares.
    this.maxInFlight = db.isMysql ? config.INBOX_INSERT_CONCURRENCY : 1;
    this.spacingMs = 1000 / config.INBOX_FAIR_SHARE_PER_SECOND;
  }

  /** Called after rows are committed (the processor wakes up instead of waiting for its poll). */
  onStored(listener: () => void): void {
    this.listeners.push(listener);
  }

  store(entry: InboxEntry): Promise<void> {
    const { envelope } = entry;
    const dataJson = JSON.stringify(envelope.data);
    const row = DELIVERY.values(this.db, {
      id: fingerprintOf(envelope.event, envelope.timestamp, dataJson),
      resource: envelope.resource,
      event: envelope.event,
      eventTimestamp: envelope.timestamp,
      resourceId: typeof envelope.data.id === 'number' ? String(envelope.data.id) : null,
      data: dataJson,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: entry.receivedAt,
      receivedAt: entry.receivedAt,
      lastError: null,
      raw: null,
    });
    return this.enqueue(entry, row, dataJson.length);
  }

  /**
   * Stores a delivery whose envelope is unreadable as `quarantined`: the body (without its token) is
   * kept as text in `raw`, so an upgraded service can read it again (replayWebhookEvents). A retry of
   * the same delivery is the same row, as for any other.
   */
  storeQuarantined(entry: QuarantinedEntry): Promise<void> {
    const { id, resource, event, timestamp, raw } = quarantinedDelivery(entry.body);
    const row = DELIVERY.values(this.db, {
      id,
      resource,
      event,
      eventTimestamp: timestamp,
      resourceId: null,
      data: '{}',
      status: 'quarantined',
      attempts: 0,
      nextAttemptAt: entry.receivedAt,
      receivedAt: entry.receivedAt,
      lastError: entry.reason.slice(0, 2000),
      raw,
    });
    return this.enqueue(entry, row, raw.length);
  }

  private enqueue(
    entry: { tokenHash: string; receivedAt: Date },
    row: unknown[],
    bytes: number,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        tokenHash: entry.tokenHash,
        row,
        receivedAtMs: entry.receivedAt.getTime(),
        bytes,
        resolve,
        reject,
      });
      this.flush();
    });
  }

  /** The accounts (by token hash) that hold these token hashes now, compared in constant time. */
  private async accountsOf(hashes: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.query<{ id: unknown; webhook_token_hash: string }>(
      `SELECT id, webhook_token_hash FROM accounts WHERE webhook_token_hash IN (${hashes.map(() => '?').join(', ')})
         AND status NOT IN ('disconnected', 'uninstalled')`,
      hashes,
    );
    const accounts = new Map<string, string>();
    for (const row of rows) {
      const hash = String(row.webhook_token_hash);
      if (hashes.some((h) => constantTimeEqual(h, hash))) accounts.set(hash, String(row.id));
    }
    return accounts;
  }

  /**
   * When a delivery received at `receivedAtMs` under `tokenHash` becomes due (the fair share; a token
   * names one account, so spacing a token's deliveries spaces its account's).
   */
  private dueTime(tokenHash: string, receivedAtMs: number): number {
    const due = Math.max(receivedAtMs, (this.lastDue.get(tokenHash) ?? 0) + this.spacingMs);
    this.lastDue.set(tokenHash, due);
    if (this.lastDue.size > 100_000) {
      for (const [hash, at] of this.lastDue) if (at < receivedAtMs) this.lastDue.delete(hash);
    }
    return Math.round(due);
  }

  /** The next rows of `from`: up to MAX_ROWS_PER_INSERT, and MAX_BYTES_PER_INSERT unless one row is larger. */
  private static take(from: Pending[]): Pending[] {
    let bytes = 0;
    let count = 0;
    while (count < from.length && count < MAX_ROWS_PER_INSERT) {
      bytes += from[count].bytes;
      if (count > 0 && bytes > MAX_BYTES_PER_INSERT) break;
      count++;
    }
    return from.splice(0, count);
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = WebhookInbox.take(this.queue);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  /**
   * One multi-row INSERT of the batch, only of the rows whose token an account holds now (retried row
   * by row when it fails for another reason than an outage); the others are refused.
   */
  private async write(all: Pending[]): Promise<void> {
    for (const pending of all)
      pending.row[DUE_COLUMN] = this.db.date(this.dueTime(pending.tokenHash, pending.receivedAtMs));
    let batch = all;
    try {
      const started = performance.now();
      batch = await this.insert(all);
      batch.forEach((p) => p.resolve());
      this.metrics.observe(
        'aircall_inbox_insert_ms',
        'Milliseconds per inbox INSERT (one group commit of deliveries)',
        performance.now() - started,
        {},
        [1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000],
      );
      this.metrics.observe(
        'aircall_inbox_insert_batch_size',
        'Deliveries written per inbox INSERT',
        batch.length,
        {},
        [1, 2, 5, 10, 25, 50, 100, 250, 500],
      );
      this.listeners.forEach((l) => l());
    } catch (error) {
      if (isDatabaseUnavailable(error) || batch.length === 1) {
        batch.forEach((p) => p.reject(error));
        return;
      }
      this.logger.warn({
        msg: 'inbox batch insert failed; retrying rows one by one',
        rows: batch.length,
        error: String(error),
      });
      for (const p of batch) {
        try {
          if ((await this.insert([p])).length === 1) p.resolve();
        } catch (single) {
          p.reject(single);
        }
      }
      this.listeners.forEach((l) => l());
    }
  }

  /**
   * Inserts the rows of `batch` whose token an account holds, and refuses the others (the promise of
   * each is rejected with UnknownWebhookTokenError); resolves with the rows it inserted.
   *
   * MySQL: one statement, no lookup before it — the rows are joined to `accounts` on their token
   * hash, so a row whose token no account holds at that instant is not inserted. The driver counts
   * found rows (a retried delivery, already stored, counts too), so when the count is the batch's
   * size every token was known; only otherwise are the accounts looked up to tell which were not.
   * SQLite: the accounts are looked up first, in the same process (there is no round trip to save).
   */
  private async insert(batch: Pending[]): Promise<Pending[]> {
    try {
      if (!this.db.isMysql) {
        const accounts = await this.accountsOf([...new Set(batch.map((p) => p.tokenHash))]);
        const known = this.refuseUnknown(batch, (p) => accounts.has(p.tokenHash));

        // Duplicates (same account + fingerprint) are ignored: a retried delivery keeps its single row.
        if (known.length > 0)
          await this.db.upsert(
            'webhook_events',
            INBOX_COLUMNS,
            known.map((p) => [accounts.get(p.tokenHash), ...p.row]),
            ['account_id', 'id'],
            [],
          );
        return known;
      }
      const found = await this.db.retrying(() =>
        this.db.execute(this.joinedInsert(batch.length), this.joinedParams(batch)),
      );
      if (found >= batch.length) return batch;
      const accounts = await this.accountsOf([...new Set(batch.map((p) => p.tokenHash))]);
      return this.refuseUnknown(batch, (p) => accounts.has(p.tokenHash));
    } catch (error) {
      throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error;
    }
  }

  /** Rejects the rows `known` says no, with UnknownWebhookTokenError; returns the others. */
  private refuseUnknown(batch: Pending[], known: (p: Pending) => boolean): Pending[] {
    const kept: Pending[] = [];
    for (const p of batch) {
      if (known(p)) kept.push(p);
      else p.reject(new UnknownWebhookTokenError());
    }
    return kept;
  }

  /**
   * `INSERT … SELECT` of `rows` rows given as a derived table (token hash first, then every inbox
   * column but account_id), joined to the account holding each token. Built once per row count.
   */
  private joinedInsert(rows: number): string {
    let sql = this.joinedStatements.get(rows);
    if (sql === undefined) {
      const first = `SELECT ? AS token_hash, ${DELIVERY.columns.map((c) => `? AS ${c}`).join(', ')}`;
      const next = `SELECT ${['?', ...DELIVERY.columns.map(() => '?')].join(', ')}`;
      const values = [first, ...Array.from({ length: rows - 1 }, () => next)].join(' UNION ALL ');
      sql = `INSERT INTO webhook_events (${INBOX_COLUMNS.join(', ')})
        SELECT a.id, ${DELIVERY.columns.map((c) => `v.${c}`).join(', ')} FROM (${values}) v
        JOIN accounts a ON a.webhook_token_hash = v.token_hash AND a.status NOT IN ('disconnected', 'uninstalled')
        ON DUPLICATE KEY UPDATE id = webhook_events.id`;
      if (this.joinedStatements.size > 64) this.joinedStatements.clear();
      this.joinedStatements.set(rows, sql);
    }
    return sql;
  }

  private joinedParams(batch: Pending[]): unknown[] {
    const params: unknown[] = [];
    for (const p of batch) {
      params.push(p.tokenHash);
      for (const value of p.row) params.push(value);
    }
    return params;
  }
}
