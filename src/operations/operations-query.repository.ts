import { Injectable } from '@nestjs/common';
import { Database, Row } from '../database/database';
import { SyncRunModel, syncRunModel } from '../sync/models/sync-run.model';
import { SYNC_RUNS } from '../sync/sync-runs-table';
import { WEBHOOK_EVENTS } from '../webhooks/inbox-table';
import { WebhookEventModel } from './models/webhook-event.model';
import { toWebhookEventStatus, WebhookEventStatus } from './models/webhook-event-status';

export interface ReplaySelection {
  ids: string[] | null;
  status: WebhookEventStatus | null;
}

/** What GraphQL shows of a run and of an inbox row (never the checkpoint, the data or the raw body). */
const RUN_SHOWN = SYNC_RUNS.omit(['checkpoint', 'updatedAt']);
const EVENT_SHOWN = WEBHOOK_EVENTS.omit(['data', 'raw']);

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
    const rows = await this.db.read(
      `SELECT ${RUN_SHOWN.select()} FROM sync_runs WHERE ${scope.sql} ORDER BY created_at DESC, id DESC LIMIT ${Math.floor(limit)}`,
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
      `SELECT ${EVENT_SHOWN.select()} FROM webhook_events WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC LIMIT ${Math.floor(limit)}`,
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
    const run = RUN_SHOWN.decode(this.db, row);
    return syncRunModel({ ...run, createdAt: run.createdAt ?? new Date(0) });
  }

  private webhookEvent(row: Row): WebhookEventModel {
    const { eventTimestamp, status, ...event } = EVENT_SHOWN.decode(this.db, row);
    return Object.assign(new WebhookEventModel(), event, {
      occurredAt: new Date(eventTimestamp * 1000),
      status: toWebhookEventStatus(status),
    });
  }
}
