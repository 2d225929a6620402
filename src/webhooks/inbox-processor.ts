import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { Database, isDatabaseUnavailable, Queryable } from '../database/database';
import { MetricsService } from '../metrics/metrics.service';
import { runsProcessorHere } from './processor-placement';
import { eventLabel } from '../aircall/aircall-events';
import { WebhookEnvelope } from './webhook-envelope';
import { BatchOutcome, InboxRow, WebhookEventApplier } from './webhook-event-applier';
import { WebhookInbox } from './webhook-inbox';
import { WEBHOOK_EVENTS } from './inbox-table';

/** After this many failed attempts an event is parked as `failed` (replayable through GraphQL). */
export const MAX_ATTEMPTS = 10;

/** Exponential backoff with jitter: ~2 s, 4 s, 8 s … capped at one hour. */
export function retryDelayMs(attempts: number): number {
  const base = Math.min(3_600_000, 1000 * 2 ** Math.min(attempts, 22));
  return Math.round(base / 2 + randomInt(0, Math.max(1, Math.floor(base / 2))));
}

/**
 * The claim of a batch: the due pending rows in queue order, locked (rows another instance holds are
 * skipped). IDX_webhook_events_queue (status, next_attempt_at, received_at) serves the WHERE and the
 * ORDER BY, so the database reads `limit` rows however long the backlog is. Parameters: the key when
 * `one` (account_id, id), then the current time.
 */
export function claimStatement(db: Database, limit: number, one = false): string {
  const where = one ? 'account_id = ? AND id = ? AND ' : '';
  return `SELECT ${CLAIMED.select()} FROM webhook_events
       WHERE ${where}status = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at, received_at LIMIT ${Number(limit)}${db.forUpdateSkipLocked}`;
}

/** What a claim reads of each inbox row. */
const CLAIMED = WEBHOOK_EVENTS.pick([
  'accountId',
  'id',
  'event',
  'eventTimestamp',
  'data',
  'attempts',
  'receivedAt',
  'raw',
]);

/**
 * Applies inbox rows in batches: each batch is claimed with `FOR UPDATE SKIP LOCKED` (MySQL 8 /
 * MariaDB 10.6+), so several instances work on disjoint rows, applied through the upserts and
 * marked in the same transaction. On SQLite there is one writer, whose transaction is exclusive.
 *
 * A batch that fails as a whole is retried row by row, so one poison event only holds back itself:
 * it keeps its error and attempt count and is retried with backoff, then parked as `failed`.
 * When the database is down nothing is marked; the loop waits and tries again.
 */
@Injectable()
export class InboxProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxProcessor.name);
  private running = false;
  private current: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wakeRequested = false;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly applier: WebhookEventApplier,
    private readonly metrics: MetricsService,
    inbox: WebhookInbox,
  ) {
    inbox.onStored(() => this.wake());
  }

  onApplicationBootstrap(): void {
    // On MySQL the loop runs in the processor thread (InboxThread), not in the main thread.
    if (!runsProcessorHere(this.config)) return;
    this.running = true;
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  /** A delivery was stored: apply it soon instead of at the next poll. */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(2);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.current = this.drain().finally(() => {
        this.current = null;
        if (this.wakeRequested) {
          this.wakeRequested = false;
          this.schedule(0);
        } else {
          this.schedule(this.config.INBOX_POLL_MS);
        }
      });
    }, delayMs);
  }

  /** Applies batches until the inbox has nothing due (or the database is unavailable). */
  private async drain(): Promise<void> {
    // On MySQL several batches may be applied at once (INBOX_CONCURRENCY): SKIP LOCKED gives each its own rows, and a batch
    // spends much of its time waiting for the server, which another batch can use.
    // SQLite has one writer, so one batch at a time.
    const workers = this.db.isMysql ? this.config.INBOX_CONCURRENCY : 1;
    try {
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (this.running && (await this.processBatch()) >= this.config.INBOX_BATCH_SIZE);
        }),
      );
    } catch (error) {
      if (isDatabaseUnavailable(error))
        this.logger.warn({ msg: 'inbox processor waiting: database unavailable' });
      else this.logger.error({ msg: 'inbox processor error', error: String(error) });
    }
  }

  /** Claims and applies one batch; returns how many rows it claimed. Public for tests and tools. */
  async processBatch(limit = this.config.INBOX_BATCH_SIZE): Promise<number> {
    try {
      return await this.db.transaction(async (m) => {
        const claimed = await this.claim(m, limit);
        if (claimed.length === 0) return 0;
        const rows = await this.withoutPurged(m, claimed);
        const outcome = await this.applier.applyBatch(m, rows);
        await this.markOutcome(m, outcome);
        return claimed.length;
      });
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      this.logger.warn({ msg: 'inbox batch failed; applying its rows one by one', error: String(error) });
      return this.processOneByOne(limit);
    }
  }

  private async processOneByOne(limit: number): Promise<number> {
    const due = await this.db.query<{ account_id: unknown; id: string }>(
      `SELECT account_id, id FROM webhook_events WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, received_at LIMIT ${Number(limit)}`,
      [this.db.date(new Date())],
    );
    for (const key of due) {
      try {
        await this.db.transaction(async (m) => {
          const [row] = await this.withoutPurged(m, await this.claim(m, 1, [String(key.account_id), key.id]));
          if (!row) return;
          await this.markOutcome(m, await this.applier.applyBatch(m, [row]));
        });
      } catch (error) {
        if (isDatabaseUnavailable(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        await this.db.transaction(async (m) => {
          const [row] = await this.claim(m, 1, [String(key.account_id), key.id]);
          if (row) await this.markFailure(m, row, message);
        });
        this.metrics.inc(
          'aircall_webhook_events_failed_total',
          'Webhook events that failed to apply, by event',
          { event: 'other' },
        );
      }
    }
    return due.length;
  }

  /**
   * The claimed rows whose account still exists; the others (a purge removed the account after their
   * delivery was stored) are deleted unapplied, so nothing is written for a purged account. The
   * accounts are read with a shared lock, which waits for a purge in progress (it locks the row).
   */
  private async withoutPurged(m: Queryable, rows: InboxRow[]): Promise<InboxRow[]> {
    const ids = [...new Set(rows.map((r) => r.accountId))];
    const live = new Set(
      (
        await this.db.query<{ id: unknown }>(
          `SELECT id FROM accounts WHERE id IN (${ids.map(() => '?').join(', ')})${this.db.forShare}`,
          ids,
          m,
        )
      ).map((r) => String(r.id)),
    );
    const gone = rows.filter((r) => !live.has(r.accountId));
    if (gone.length === 0) return rows;
    const keys = this.db.keysIn(
      'account_id',
      'id',
      gone.map((r) => [r.accountId, r.id] as const),
    );
    await this.db.execute(`DELETE FROM webhook_events WHERE ${keys.sql}`, keys.params, m);
    this.logger.warn({ msg: 'dropped inbox rows of purged accounts', rows: gone.length });
    return rows.filter((r) => live.has(r.accountId));
  }

  private async claim(m: Queryable, limit: number, only?: [string, string]): Promise<InboxRow[]> {
    const rows = await this.db.query(
      claimStatement(this.db, limit, only !== undefined),
      [...(only ?? []), this.db.date(new Date())],
      m,
    );
    return rows.map((row) => {
      const { eventTimestamp, ...claimed } = CLAIMED.decode(this.db, row);
      return { ...claimed, timestamp: eventTimestamp };
    });
  }

  /** Marks a batch's rows as the applier left them, in its transaction, and counts them. */
  private async markOutcome(m: Queryable, outcome: BatchOutcome): Promise<void> {
    for (const row of [...outcome.applied, ...outcome.skipped])
      if (row.reread) await this.rewrite(m, row, row.reread);
    await this.markDone(m, outcome.applied, 'applied');
    await this.markDone(m, outcome.skipped, 'skipped');
    for (const { row, reason } of outcome.quarantined) await this.markQuarantined(m, row, reason);
    this.record(outcome.applied, 'applied');
    this.record(outcome.skipped, 'skipped');
    this.record(
      outcome.quarantined.map((q) => q.row),
      'quarantined',
    );
  }

  /** A delivery quarantined at intake that this version reads: stored as the envelope it is. */
  private async rewrite(m: Queryable, row: InboxRow, envelope: WebhookEnvelope): Promise<void> {
    await this.db.execute(
      `UPDATE webhook_events SET resource = ?, event = ?, event_timestamp = ?, resource_id = ?, data = ?, raw = NULL
        WHERE account_id = ? AND id = ?`,
      [
        envelope.resource,
        envelope.event,
        envelope.timestamp,
        typeof envelope.data.id === 'number' ? envelope.data.id : null,
        this.db.jsonText(JSON.stringify(envelope.data)),
        row.accountId,
        row.id,
      ],
      m,
    );
  }

  /** Kept with its reason and out of the queue until someone replays it (after an upgrade). */
  private async markQuarantined(m: Queryable, row: InboxRow, reason: string): Promise<void> {
    await this.db.execute(
      `UPDATE webhook_events SET status = 'quarantined', attempts = attempts + 1, last_error = ?, applied_at = NULL
        WHERE account_id = ? AND id = ?`,
      [reason.slice(0, 2000), row.accountId, row.id],
      m,
    );
    this.logger.warn({
      msg: 'webhook event quarantined',
      accountId: row.accountId,
      event: row.event,
      reason: reason.slice(0, 300),
    });
  }

  private async markDone(
    m: Queryable,
    rows: readonly InboxRow[],
    status: 'applied' | 'skipped',
  ): Promise<void> {
    if (rows.length === 0) return;
    const keys = this.db.keysIn(
      'account_id',
      'id',
      rows.map((r) => [r.accountId, r.id] as const),
    );
    await this.db.execute(
      `UPDATE webhook_events SET status = ?, applied_at = ?, attempts = attempts + 1, last_error = NULL WHERE ${keys.sql}`,
      [status, this.db.date(new Date()), ...keys.params],
      m,
    );
  }

  private async markFailure(m: Queryable, row: InboxRow, error: string): Promise<void> {
    const attempts = row.attempts + 1;
    const parked = attempts >= MAX_ATTEMPTS;
    await this.db.execute(
      `UPDATE webhook_events SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE account_id = ? AND id = ?`,
      [
        parked ? 'failed' : 'pending',
        attempts,
        error.slice(0, 2000),
        this.db.date(Date.now() + retryDelayMs(attempts)),
        row.accountId,
        row.id,
      ],
      m,
    );
    this.logger.warn({
      msg: 'webhook event failed to apply',
      accountId: row.accountId,
      event: row.event,
      attempts,
      parked,
      error: error.slice(0, 300),
    });
  }

  private record(rows: readonly InboxRow[], outcome: string): void {
    const now = Date.now();
    for (const row of rows) {
      this.metrics.inc(`aircall_webhook_events_${outcome}_total`, `Webhook events ${outcome}, by event`, {
        event: eventLabel(row.event),
      });
      if (outcome === 'applied' && row.receivedAt) {
        this.metrics.observe(
          'aircall_webhook_apply_lag_ms',
          'Milliseconds from receipt to applied',
          now - row.receivedAt.getTime(),
        );
      }
    }
  }
}
