import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { Database, isDuplicateKey, Queryable } from '../database/database';
import { LEASES } from './leases-table';

/** account_id of service-wide leases (the leases table is keyed by account). */
export const SERVICE_WIDE = '0';

/**
 * Named, expiring lease rows in the database (`leases`: account_id, name, holder, expires_at), so
 * scheduled or per-account work runs on one instance at a time without any coordinator but the database
 * (docs/architecture.md "Several instances, one database"). Taken by INSERT when free, or by UPDATE … WHERE
 * expires_at < now when its holder died; an instance that crashes mid-run only blocks the work until the
 * lease expires. Holders renew while they work (`acquire` again, or `renew` inside their own transaction).
 */
@Injectable()
export class LeaseService {
  /** Identifies this process as the holder. */
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(private readonly db: Database) {}

  /** Takes the lease, or extends it when this process holds it already; false when another live holder has it. */
  async acquire(
    name: string,
    ttlMs: number,
    accountId: string = SERVICE_WIDE,
    now: Date = new Date(),
  ): Promise<boolean> {
    const expires = this.db.date(now.getTime() + ttlMs);
    const at = this.db.date(now);
    try {
      await this.db.execute(
        `INSERT INTO leases (${LEASES.columns.join(', ')}) VALUES (?, ?, ?, ?, ?)`,
        LEASES.values(this.db, {
          accountId,
          name,
          holder: this.holder,
          expiresAt: new Date(now.getTime() + ttlMs),
          acquiredAt: now,
        }),
      );
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const taken = await this.db.execute(
      'UPDATE leases SET holder = ?, expires_at = ?, acquired_at = ? WHERE account_id = ? AND name = ? AND (expires_at < ? OR holder = ?)',
      [this.holder, expires, at, accountId, name, at, this.holder],
    );
    return taken === 1;
  }

  /**
   * Extends a lease this process holds; false when it lost it (expired and taken by another holder).
   * With a transaction's runner, the transaction's writes are conditional on still holding the lease
   * (fencing); with Database.autocommit it is a heartbeat.
   */
  async renew(
    runner: Queryable,
    name: string,
    ttlMs: number,
    accountId: string = SERVICE_WIDE,
    now: Date = new Date(),
  ): Promise<boolean> {
    const renewed = await this.db.execute(
      'UPDATE leases SET expires_at = ? WHERE account_id = ? AND name = ? AND holder = ?',
      [this.db.date(now.getTime() + ttlMs), accountId, name, this.holder],
      runner,
    );
    return renewed === 1;
  }

  async release(name: string, accountId: string = SERVICE_WIDE): Promise<void> {
    await this.db.execute('DELETE FROM leases WHERE account_id = ? AND name = ? AND holder = ?', [
      accountId,
      name,
      this.holder,
    ]);
  }
}
