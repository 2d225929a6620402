import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '../database/database';
import { newestByKey, stateVersion } from '../calls/state-version';
import { DIRECTORY_COLUMNS, DirectoryRecord, DirectoryTable } from './directory-records';

export interface DirectorySnapshot {
  accountId: string;
  record: DirectoryRecord;
  /** Event or API time this snapshot describes, and its source (event name or 'api'). */
  at: Date;
  source: string;
}

/**
 * Writes users, numbers, teams, tags and contacts — whether seen inside a call, in their own
 * webhook events or in the reference sync — through one versioned upsert per table, so an older
 * snapshot never overwrites a newer one.
 */
@Injectable()
export class DirectoryUpserter {
  constructor(private readonly db: Database) {}

  async apply(snapshots: readonly DirectorySnapshot[], runner?: Queryable): Promise<void> {
    const newest = newestByKey(
      snapshots,
      (s) => `${s.record.table}:${s.accountId}:${s.record.id}`,
      (s) => stateVersion(s.at, s.source),
      (s) => [s.record.values, s.record.deleted, s.record.payload],
    );
    const byTable = new Map<DirectoryTable, (readonly unknown[])[]>();
    const now = this.db.date(new Date());
    // Sorted keys give every transaction the same lock order on MySQL (fewer deadlocks between instances).
    const entries = newest.sort((a, b) =>
      a.item.accountId === b.item.accountId
        ? compareIds(a.item.record.id, b.item.record.id)
        : compareIds(a.item.accountId, b.item.accountId),
    );
    for (const { item: s, version, hash } of entries) {
      const { record } = s;
      const columns = DIRECTORY_COLUMNS[record.table];
      const row: unknown[] = [s.accountId, record.id];
      for (const column of columns) row.push(this.encode(record.values[column]));
      row.push(
        record.deleted ? this.db.date(s.at) : null,
        this.db.jsonText(JSON.stringify(record.payload)),
        version,
        hash,
        now,
        now,
      );
      const rows = byTable.get(record.table) ?? [];
      rows.push(row);
      byTable.set(record.table, rows);
    }
    for (const [table, rows] of byTable) {
      const columns = [
        'account_id',
        'id',
        ...DIRECTORY_COLUMNS[table],
        'deleted_at',
        'payload',
        'state_version',
        'state_hash',
        'created_at',
        'updated_at',
      ];
      await this.db.upsertVersioned(table, columns, rows, ['account_id', 'id'], runner);
    }
  }

  private encode(value: unknown): unknown {
    if (value instanceof Date) return this.db.date(value);
    if (typeof value === 'boolean') return this.db.bool(value);
    if (Array.isArray(value)) return JSON.stringify(value);
    return value ?? null;
  }
}

export function compareIds(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}
