import { Injectable } from '@nestjs/common';
import { Database, Queryable, Row } from '../database/database';
import { API_KEYS } from './api-keys-table';
import { Role } from './role';

export interface StoredApiKey {
  id: string;
  name: string;
  role: Role;
  accountIds: string[] | null;
  keyHash: string;
  keyPrefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface NewApiKey {
  name: string;
  role: Role;
  accountIds: string[] | null;
  keyHash: string;
  keyPrefix: string;
}

const COLUMNS = API_KEYS.select();
const INSERTED = API_KEYS.omit(['revokedAt', 'lastUsedAt']);

/** Every query on api_keys. Keys are stored only as their SHA-256 (never the key itself). */
@Injectable()
export class ApiKeyRepository {
  constructor(private readonly db: Database) {}

  async findByHash(keyHash: string): Promise<StoredApiKey | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = ?`, [keyHash]);
    return rows.length > 0 ? this.toApiKey(rows[0]) : null;
  }

  async findById(id: string): Promise<StoredApiKey | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`, [BigInt(id)]);
    return rows.length > 0 ? this.toApiKey(rows[0]) : null;
  }

  async list(): Promise<StoredApiKey[]> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id DESC`);
    return rows.map((row) => this.toApiKey(row));
  }

  /** True when an ADMIN key that is not revoked exists (someone can get in without ADMIN_API_KEY). */
  async hasActiveAdmin(runner: Queryable): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT id FROM api_keys WHERE role = ? AND revoked_at IS NULL LIMIT 1`,
      [Role.ADMIN],
      runner,
    );
    return rows.length > 0;
  }

  /** Ids are 63-bit (Database.newId): bound as BigInt so neither engine compares them as a rounded double. */
  async insert(runner: Queryable, key: NewApiKey, now: Date = new Date()): Promise<StoredApiKey> {
    const id = this.db.newId();
    await this.db.query(
      `INSERT INTO api_keys (${INSERTED.columns.join(', ')}) VALUES (${INSERTED.columns.map(() => '?').join(', ')})`,
      INSERTED.values(this.db, {
        ...key,
        id,
        accountIds: key.accountIds === null ? null : JSON.stringify(key.accountIds),
        createdAt: now,
      }),
      runner,
    );
    return { id, ...key, createdAt: now, revokedAt: null, lastUsedAt: null };
  }

  /** Marks the key revoked; false when it does not exist or was revoked already. */
  async revoke(id: string, now: Date = new Date()): Promise<boolean> {
    const changed = await this.db.execute(
      `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
      [this.db.date(now), BigInt(id)],
    );
    return changed > 0;
  }

  async touch(id: string, now: Date = new Date()): Promise<void> {
    await this.db.query(`UPDATE api_keys SET last_used_at = ? WHERE id = ?`, [this.db.date(now), BigInt(id)]);
  }

  private toApiKey(row: Row): StoredApiKey {
    const { accountIds, role, ...key } = API_KEYS.decode(this.db, row);
    return {
      ...key,
      role: role === Role.ADMIN ? Role.ADMIN : Role.READER,
      accountIds: Array.isArray(accountIds) ? accountIds.map(String) : null,
    };
  }
}
