import { Injectable } from '@nestjs/common';
import { Database, Row } from '../database/database';
import { SyncRunModel } from '../sync/models/sync-run.model';
import { WebhookEventModel } from './models/webhook-event.model';
import { toWebhookEventStatus, WebhookEventStatus } from './models/webhook-event-status';

export interface ReplaySelection {
  ids: string[] | null;
  status: WebhookEventStatus | null;
}

const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function accountCondition(
  accountIds: string[] | null,
  column = 'account_id',
): { sql: string; params: string[] } {
  if (accountIds === null) return { sql: '1 = 1', params: [] };
  if (accountIds.length === 0) return { sql: '1 = 0', params: [] };
  return { sql: `${column} IN (${accountIds.map(() => '?').join(', ')})`, params: accountIds };
}

/** Reads of the operational tables (sync_runs, webhook_events) and the inbox replay. */
@Injectable()
export class OperationsQueryRepository {
  constructor(private readonly db: Database) {}

  async syncRuns(accountIds: string[] | null, limit: number): Promise<SyncRunModel[]> {
    const scope = accountCondition(accountIds);
    // sync_runs ids come from Database.newId() (above 2^53): read as text so SQLite does not round them.
    const rows = await this.db.read(
      `SELECT account_id, CAST(id AS CHAR) AS id, kind, status, window_from, window_to, requests_made, calls_fetched, calls_written,
              error, started_at, finished_at, heartbeat_at, created_at
         FROM sync_runs WHERE ${scope.sql} ORDER BY created_at DESC, id DESC LIMIT ${Math.floor(limit)}`,
      scope.params,
    );
    return rows.map((row) => this.syncRun(row));
  }

  async webhookEvents(
    accountIds: string[] | null,
    status: WebhookEventStatus | null,
    limit: number,
  ): Promise<WebhookEventModel[]> {
    const scope = accountCondition(accountIds);
    const where = [scope.sql];
    const params: unknown[] = [...scope.params];
    if (status) {
      where.push('status = ?');
      params.push(status);
    }
    const rows = await this.db.read(
      `SELECT account_id, id, resource, event, event_timestamp, resource_id, status, attempts, last_error, next_attempt_at, received_at, applied_at
         FROM webhook_events WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC LIMIT ${Math.floor(limit)}`,
      params,
    );
    return rows.map((row) => this.webhookEvent(row));
  }

  /**
   * Puts the selected inbox rows back in the queue, due now. Re-applying an already applied event is
   * harmless: the call upsert keeps the newest state whatever the order (last writer by event time).
   */
  async replay(selection: ReplaySelection, now: Date = new Date()): Promise<number> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (selection.ids) {
      where.push(`id IN (${selection.ids.map(() => '?').join(', ')})`);
      params.push(...selection.ids);
    }
    if (selection.status) {
      where.push('status = ?');
      params.push(selection.status);
    }
    return this.db.execute(
      `UPDATE webhook_events SET status = ?, next_attempt_at = ?, applied_at = NULL WHERE ${where.join(' AND ')}`,
      [WebhookEventStatus.PENDING, this.db.date(now), ...params],
    );
  }

  private syncRun(row: Row): SyncRunModel {
    return Object.assign(new SyncRunModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      kind: String(row.kind),
      status: String(row.status),
      windowFrom: this.db.parseDate(row.window_from),
      windowTo: this.db.parseDate(row.window_to),
      requestsMade: Number(row.requests_made ?? 0),
      callsFetched: Number(row.calls_fetched ?? 0),
      callsWritten: Number(row.calls_written ?? 0),
      error: str(row.error),
      startedAt: this.db.parseDate(row.started_at),
      finishedAt: this.db.parseDate(row.finished_at),
      heartbeatAt: this.db.parseDate(row.heartbeat_at),
      createdAt: this.db.parseDate(row.created_at) ?? new Date(0),
    });
  }

  private webhookEvent(row: Row): WebhookEventModel {
    return Object.assign(new WebhookEventModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      resource: String(row.resource),
      event: String(row.event),
      resourceId: str(row.resource_id),
      occurredAt: new Date(Number(row.event_timestamp) * 1000),
      status: toWebhookEventStatus(row.status),
      attempts: Number(row.attempts ?? 0),
      lastError: str(row.last_error),
      nextAttemptAt: this.db.parseDate(row.next_attempt_at) ?? new Date(0),
      receivedAt: this.db.parseDate(row.received_at) ?? new Date(0),
      appliedAt: this.db.parseDate(row.applied_at),
    });
  }
}
