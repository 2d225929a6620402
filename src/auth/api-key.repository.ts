import { Injectable } from '@nestjs/common';
import { Database, Row } from '../database/database';
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

// newId() ids exceed 2^53: read them as text so SQLite does not hand back a rounded JS number.
const COLUMNS =
  'CAST(id AS CHAR) AS id, name, role, account_ids, key_hash, key_prefix, created_at, revoked_at, last_used_at';

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

  /** Ids are 63-bit (Database.newId): bound as BigInt so neither engine compares them as a rounded double. */
  async insert(key: NewApiKey, now: Date = new Date()): Promise<StoredApiKey> {
    const id = this.db.newId();
    await this.db.query(
      `INSERT INTO api_keys (id, name, role, account_ids, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        key.name,
        key.role,
        key.accountIds === null ? null : JSON.stringify(key.accountIds),
        key.keyHash,
        key.keyPrefix,
        this.db.date(now),
      ],
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
    const accountIds = this.db.parseJson<Array<string | number>>(row.account_ids);
    return {
      id: String(row.id),
      name: String(row.name),
      role: row.role === Role.ADMIN ? Role.ADMIN : Role.READER,
      accountIds: accountIds === null ? null : accountIds.map(String),
      keyHash: String(row.key_hash),
      keyPrefix: String(row.key_prefix),
      createdAt: this.db.parseDate(row.created_at)!,
      revokedAt: this.db.parseDate(row.revoked_at),
      lastUsedAt: this.db.parseDate(row.last_used_at),
    };
  }
}
