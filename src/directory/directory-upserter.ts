import { Injectable } from '@nestjs/common';
import { stateVersion } from '../aircall/state-version';
import { sha256Hex } from '../crypto/hashing';
import { Database, Queryable } from '../database/database';
import { directoryColumns, DirectoryRecord, directoryRow, DirectoryTable } from './directory-records';
import {
  canonical,
  FieldVersions,
  MergedObject,
  mergeSnapshot,
  newestVersion,
  ObjectSnapshot,
  storedObject,
} from './field-merge';

export interface DirectorySnapshot {
  accountId: string;
  record: DirectoryRecord;
  /** Event or API time this snapshot describes, and its source (event name or 'api'). */
  at: Date;
  source: string;
}

/** Tables in the order their rows are locked, the same in every transaction (fewer deadlocks). */
const TABLE_ORDER: readonly DirectoryTable[] = ['users', 'numbers', 'teams', 'tags', 'contacts'];

/**
 * Another instance inserted a row this transaction read as missing: the transaction is retried
 * (Database.transaction) and then merges into the row that now exists.
 */
export class DirectoryWriteConflictError extends Error {
  readonly code = 'DIRECTORY_WRITE_CONFLICT';

  constructor(table: string) {
    super(`a ${table} row was inserted concurrently; retrying`);
    this.name = 'DirectoryWriteConflictError';
  }
}

interface Pending {
  accountId: string;
  id: string;
  snapshots: ObjectSnapshot[];
}

/**
 * Writes users, numbers, teams, tags and contacts — seen inside a call, in their own webhook events or
 * in the reference sync — field by field (field-merge.ts): each table's rows of the batch are read
 * and locked, the snapshots are merged into them in memory, and the rows that changed are written in
 * one statement. Run it inside a transaction: the lock holds the row until the write commits.
 */
@Injectable()
export class DirectoryUpserter {
  constructor(private readonly db: Database) {}

  async apply(runner: Queryable, snapshots: readonly DirectorySnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    const byTable = new Map<DirectoryTable, Map<string, Pending>>();
    for (const s of snapshots) {
      const { table, id, object, deleted } = s.record;
      let pending = byTable.get(table);
      if (!pending) byTable.set(table, (pending = new Map()));
      const key = `${s.accountId}:${id}`;
      let entry = pending.get(key);
      if (!entry) pending.set(key, (entry = { accountId: s.accountId, id, snapshots: [] }));
      entry.snapshots.push({
        object,
        version: stateVersion(s.at, s.source),
        deletedAt: deleted === undefined ? undefined : deleted ? s.at.toISOString() : null,
      });
    }
    for (const table of TABLE_ORDER) {
      const pending = byTable.get(table);
      if (pending) await this.write(runner, table, [...pending.values()].sort(byKey));
    }
  }

  private async write(runner: Queryable, table: DirectoryTable, pending: Pending[]): Promise<void> {
    const stored = await this.read(runner, table, pending);
    const now = new Date();
    const rows: unknown[][] = [];
    let updates = 0;
    for (const entry of pending) {
      const existing = stored.get(`${entry.accountId}:${entry.id}`);
      const merged = existing ?? { object: {}, versions: {}, deletedAt: null };
      let changed = false;
      for (const snapshot of entry.snapshots) changed = mergeSnapshot(merged, snapshot) || changed;
      if (existing && !changed) continue;
      if (existing) updates += 1;
      rows.push(this.row(table, entry, merged, now));
    }
    if (rows.length === 0) return;
    const columns = directoryColumns(table);
    const affected = await this.db.upsert(
      table,
      columns,
      rows,
      ['account_id', 'id'],
      columns.filter((c) => c !== 'account_id' && c !== 'id' && c !== 'created_at'),
      runner,
    );
    // MySQL counts 1 per inserted row and 2 per changed one: a row this transaction read as missing
    // but another instance inserted since would count 2. (SQLite has one writer: nothing to race.)
    if (affected !== null && affected !== rows.length + updates) throw new DirectoryWriteConflictError(table);
  }

  /** The stored rows of `pending`, locked until the transaction ends (MySQL), as merge states. */
  private async read(
    runner: Queryable,
    table: DirectoryTable,
    pending: Pending[],
  ): Promise<Map<string, MergedObject>> {
    const stored = new Map<string, MergedObject>();
    const chunk = 500;
    for (let i = 0; i < pending.length; i += chunk) {
      const keys = this.db.keysIn(
        'account_id',
        'id',
        pending.slice(i, i + chunk).map((p) => [p.accountId, p.id] as const),
      );
      const rows = await this.db.query<{
        account_id: unknown;
        id: unknown;
        payload: unknown;
        field_versions: unknown;
        state_version: unknown;
        deleted_at: unknown;
      }>(
        `SELECT account_id, CAST(id AS CHAR) AS id, payload, field_versions, state_version, deleted_at FROM ${this.db.id(table)} WHERE ${keys.sql}${this.db.forUpdate}`,
        keys.params,
        runner,
      );
      for (const row of rows) {
        stored.set(
          `${String(row.account_id)}:${String(row.id)}`,
          storedObject(
            this.db.parseJson<Record<string, unknown>>(row.payload),
            this.db.parseJson<FieldVersions>(row.field_versions),
            Number(row.state_version ?? 0),
            this.db.parseDate(row.deleted_at)?.toISOString() ?? null,
          ),
        );
      }
    }
    return stored;
  }

  private row(table: DirectoryTable, entry: Pending, merged: MergedObject, now: Date): unknown[] {
    const { object, versions } = canonical(merged);
    const payload = JSON.stringify(object);
    const base = {
      accountId: entry.accountId,
      id: entry.id,
      deletedAt: merged.deletedAt === null ? null : new Date(merged.deletedAt),
      payload,
      fieldVersions: JSON.stringify(versions),
      stateVersion: newestVersion(merged),
      stateHash: sha256Hex(payload),
      createdAt: now,
      updatedAt: now,
    };
    return directoryRow(this.db, table, base, merged.object);
  }
}

function byKey(a: Pending, b: Pending): number {
  return a.accountId === b.accountId ? compareIds(a.id, b.id) : compareIds(a.accountId, b.accountId);
}

export function compareIds(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}
