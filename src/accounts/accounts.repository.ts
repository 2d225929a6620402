import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { Database, Queryable, Row } from '../database/database';
import { Account, AccountAuthType, AccountStatus } from './account';
import { ACCOUNT_IDENTITIES, ACCOUNTS } from './accounts-tables';

/** An account with what only the accounts module may read: the sealed credentials and the webhook token hash. */
export interface StoredAccount extends Account {
  sealedCredentials: string | null;
  webhookTokenHash: string | null;
}

export interface ConnectedAccountValues {
  id: string;
  /** Aircall's company id when the connection told it (OAuth); null keeps the one already known. */
  aircallCompanyId: string | null;
  name: string | null;
  authType: AccountAuthType;
  apiId: string | null;
  sealedCredentials: string;
}

export interface WebhookRegistration {
  webhookId: string;
  /** SHA-256 hex of the webhook token, or null when Aircall did not reveal the token of a reused webhook. */
  tokenHash: string | null;
  active: boolean;
}

/**
 * Every tenant-owned table, children first. Purging an account deletes its rows from each of them, so
 * a table added to the schema with an account_id must be added here too.
 */
export const TENANT_TABLES = [
  // The inbox and the leases first: deleting them waits for whatever applies or syncs the account
  // right now to commit, so the tables after them lose what that work wrote too.
  'webhook_events',
  'leases',
  'sync_runs',
  'account_identities',
  'call_media',
  'call_comments',
  'call_tags',
  'call_teams',
  'calls',
  'team_users',
  'teams',
  'tags',
  'numbers',
  'contacts',
  'users',
] as const;

/** What identifies an Aircall company across connections: its ids, which are global at Aircall. */
export type IdentityKind = 'api_id' | 'user' | 'number';

export interface Identity {
  kind: IdentityKind;
  value: string;
}

const COLUMNS = ACCOUNTS.select();
/** What connecting writes; a reconnection updates all of them but the id and its creation time. */
const CONNECTED = ACCOUNTS.pick([
  'id',
  'name',
  'authType',
  'apiId',
  'credentials',
  'status',
  'statusReason',
  'disconnectedAt',
  'createdAt',
  'updatedAt',
]);

/** Owns every query on the accounts table (and the per-account purge of tenant tables). */
@Injectable()
export class AccountsRepository {
  constructor(private readonly db: Database) {}

  private toAccount(row: Row): StoredAccount {
    const { credentials, authType, status, ...account } = ACCOUNTS.decode(this.db, row);
    return {
      ...account,
      authType: authType as AccountAuthType,
      status: status as AccountStatus,
      sealedCredentials: credentials,
      createdAt: account.createdAt ?? new Date(0),
      updatedAt: account.updatedAt ?? new Date(0),
    };
  }

  async findById(runner: Queryable, id: string): Promise<StoredAccount | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`, [id], runner);
    return rows.length > 0 ? this.toAccount(rows[0]) : null;
  }

  /**
   * The account a webhook delivery belongs to, by the SHA-256 of the token in its body (Aircall's only proof
   * of origin, docs/aircall-behaviour.md §1). Used by webhook ingestion; disconnected accounts have no hash.
   */
  async findByWebhookTokenHash(tokenHash: string): Promise<StoredAccount | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM accounts WHERE webhook_token_hash = ?`, [
      tokenHash,
    ]);
    return rows.length > 0 ? this.toAccount(rows[0]) : null;
  }

  async list(status?: AccountStatus): Promise<StoredAccount[]> {
    const rows = status
      ? await this.db.query(`SELECT ${COLUMNS} FROM accounts WHERE status = ? ORDER BY id`, [status])
      : await this.db.query(`SELECT ${COLUMNS} FROM accounts ORDER BY id`);
    return rows.map((row) => this.toAccount(row));
  }

  /** Accounts with a registered webhook, for the periodic webhook check. */
  async listWithWebhook(): Promise<StoredAccount[]> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM accounts WHERE webhook_id IS NOT NULL AND status <> ? ORDER BY id`,
      ['disconnected'],
    );
    return rows.map((row) => this.toAccount(row));
  }

  /**
   * A new account id: milliseconds since the epoch and three random digits, so ids sort by creation and
   * stay below 2^53 (SQLite hands BIGINTs to JavaScript as numbers) until the year 2255.
   */
  newId(now = Date.now()): string {
    return String(now * 1000 + randomInt(0, 1000));
  }

  /** The account Aircall named as this company (OAuth installs), if any. */
  async findByCompanyId(runner: Queryable, companyId: string): Promise<StoredAccount | null> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM accounts WHERE aircall_company_id = ?`,
      [companyId],
      runner,
    );
    return rows.length > 0 ? this.toAccount(rows[0]) : null;
  }

  /** How many of `identities` each account holds, by account id (accounts holding none are absent). */
  async matchIdentities(runner: Queryable, identities: readonly Identity[]): Promise<Map<string, number>> {
    const matches = new Map<string, number>();
    const byKind = new Map<IdentityKind, string[]>();
    for (const { kind, value } of identities) byKind.set(kind, [...(byKind.get(kind) ?? []), value]);
    for (const [kind, values] of byKind) {
      for (let i = 0; i < values.length; i += 500) {
        const part = values.slice(i, i + 500);
        const rows = await this.db.query<{ account_id: unknown }>(
          `SELECT account_id FROM account_identities WHERE kind = ? AND aircall_id IN (${part.map(() => '?').join(', ')})`,
          [kind, ...part],
          runner,
        );
        for (const row of rows)
          matches.set(String(row.account_id), (matches.get(String(row.account_id)) ?? 0) + 1);
      }
    }
    return matches;
  }

  /**
   * Records Aircall ids seen for the account. An id another account already holds stays with it: ids
   * are global at Aircall, so that can only be a second account of the same company, never a merge.
   */
  async saveIdentities(
    runner: Queryable,
    accountId: string,
    identities: readonly Identity[],
    now = new Date(),
  ): Promise<void> {
    const values = identities.map(({ kind, value }) => ({ kind, value: value.slice(0, 128) }));
    // Ids left by an account that no longer exists (removed by hand) would keep the company from being recognised.
    for (const kind of new Set(values.map((v) => v.kind))) {
      const ids = values.filter((v) => v.kind === kind).map((v) => v.value);
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500);
        await this.db.execute(
          `DELETE FROM account_identities WHERE kind = ? AND aircall_id IN (${part.map(() => '?').join(', ')})
             AND account_id NOT IN (SELECT id FROM accounts)`,
          [kind, ...part],
          runner,
        );
      }
    }
    await this.db.upsert(
      ACCOUNT_IDENTITIES.name,
      ACCOUNT_IDENTITIES.columns,
      values.map(({ kind, value }) =>
        ACCOUNT_IDENTITIES.values(this.db, { accountId, kind, aircallId: value, createdAt: now }),
      ),
      ['kind', 'aircall_id'],
      [],
      runner,
    );
  }

  /** Creates the account or, on reconnection, replaces its credentials and makes it active again (data kept). */
  async saveConnected(values: ConnectedAccountValues, now: Date = new Date()): Promise<void> {
    await this.db.upsert(
      ACCOUNTS.name,
      CONNECTED.columns,
      [
        CONNECTED.values(this.db, {
          id: values.id,
          name: values.name,
          authType: values.authType,
          apiId: values.apiId,
          credentials: values.sealedCredentials,
          status: 'active',
          statusReason: null,
          disconnectedAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      ],
      ['id'],
      CONNECTED.columns.filter((column) => column !== 'id' && column !== 'created_at'),
    );
    // A connection that does not name the company keeps the id an earlier OAuth install recorded.
    if (values.aircallCompanyId !== null) {
      await this.db.execute('UPDATE accounts SET aircall_company_id = ? WHERE id = ?', [
        values.aircallCompanyId,
        values.id,
      ]);
    }
  }

  /**
   * Stores the account's webhook; false when the account is disconnected by now (a disconnect landed
   * while the webhook was being registered): a disconnected account accepts no deliveries.
   */
  async saveWebhook(id: string, webhook: WebhookRegistration, now: Date = new Date()): Promise<boolean> {
    const changed = await this.db.execute(
      `UPDATE accounts SET webhook_id = ?, webhook_token_hash = ?, webhook_active = ?, webhook_checked_at = ?, updated_at = ?
         WHERE id = ? AND status <> 'disconnected'`,
      [
        webhook.webhookId,
        webhook.tokenHash,
        this.db.bool(webhook.active),
        this.db.date(now),
        this.db.date(now),
        id,
      ],
    );
    return changed > 0;
  }

  async clearWebhook(id: string, now: Date = new Date()): Promise<void> {
    await this.db.execute(
      'UPDATE accounts SET webhook_id = NULL, webhook_token_hash = NULL, webhook_active = NULL, webhook_checked_at = ?, updated_at = ? WHERE id = ?',
      [this.db.date(now), this.db.date(now), id],
    );
  }

  /**
   * Records what the periodic check saw, only while the webhook is still the one checked (no lost update).
   * webhook_checked_at moves only when the webhook is seen healthy, so after an outage it still says when the
   * webhook was last known to deliver: the start of the gap to sync once it is repaired.
   */
  async saveWebhookHealth(
    id: string,
    webhookId: string,
    active: boolean,
    now: Date = new Date(),
  ): Promise<void> {
    if (active) {
      await this.db.execute(
        'UPDATE accounts SET webhook_active = ?, webhook_checked_at = ? WHERE id = ? AND webhook_id = ?',
        [this.db.bool(true), this.db.date(now), id, webhookId],
      );
    } else {
      await this.db.execute('UPDATE accounts SET webhook_active = ? WHERE id = ? AND webhook_id = ?', [
        this.db.bool(false),
        id,
        webhookId,
      ]);
    }
  }

  /**
   * needs_reauth with its reason, unless the account is disconnected by now. One conditional UPDATE, not
   * a read and a write: a disconnect landing between the caller's read and this write must win (only a
   * new connection makes a disconnected account anything else).
   */
  async saveNeedsReauth(id: string, reason: string, now: Date = new Date()): Promise<void> {
    await this.db.execute(
      `UPDATE accounts SET status = 'needs_reauth', status_reason = ?, updated_at = ? WHERE id = ? AND status NOT IN ('disconnected', 'uninstalled')`,
      [reason, this.db.date(now), id],
    );
  }

  /**
   * The OAuth app was uninstalled at Aircall: the token is gone for good, so it is forgotten with the
   * webhook (Aircall removes an uninstalled app's webhooks); the data stays, and a new install of the
   * same company makes the account active again.
   */
  async saveUninstalled(
    runner: Queryable,
    id: string,
    reason: string,
    now: Date = new Date(),
  ): Promise<void> {
    const at = this.db.date(now);
    await this.db.execute(
      `UPDATE accounts SET status = 'uninstalled', status_reason = ?, credentials = NULL, webhook_id = NULL,
         webhook_token_hash = NULL, webhook_active = NULL, updated_at = ? WHERE id = ? AND status <> 'disconnected'`,
      [reason.slice(0, 512), at, id],
      runner,
    );
  }

  /**
   * The reason shown with an active account, if it is still active: a note must neither bring a
   * disconnected account back nor replace a needs_reauth reason. `onlyReplacing`: change it only while
   * the current reason starts with that prefix (clearing a note without clearing another reason).
   */
  async saveActiveReason(
    id: string,
    reason: string | null,
    onlyReplacing: string | null = null,
    now: Date = new Date(),
  ): Promise<void> {
    const prefix = onlyReplacing === null ? '' : ' AND SUBSTR(status_reason, 1, ?) = ?';
    await this.db.execute(
      `UPDATE accounts SET status_reason = ?, updated_at = ? WHERE id = ? AND status = 'active'${prefix}`,
      [
        reason,
        this.db.date(now),
        id,
        ...(onlyReplacing === null ? [] : [onlyReplacing.length, onlyReplacing]),
      ],
    );
  }

  /** Forgets the credentials and the webhook; the synced data stays. */
  async saveDisconnected(id: string, now: Date = new Date()): Promise<void> {
    const at = this.db.date(now);
    await this.db.execute(
      `UPDATE accounts SET credentials = NULL, status = 'disconnected', status_reason = NULL, disconnected_at = ?,
         webhook_id = NULL, webhook_token_hash = NULL, webhook_active = NULL, updated_at = ? WHERE id = ?`,
      [at, at, id],
    );
  }

  /**
   * Deletes every tenant row of the account, then the account itself, in one transaction. The account
   * row is locked first: the inbox processor reads it (shared) before applying a batch, so no batch
   * applies the account's events while the purge runs, and none after it (the account is gone).
   */
  /** Turns archiving of the account's recordings on or off; false when there is no such account. */
  async setArchiveRecordings(id: string, enabled: boolean): Promise<boolean> {
    const changed = await this.db.execute(
      'UPDATE accounts SET archive_recordings = ?, updated_at = ? WHERE id = ?',
      [this.db.bool(enabled), this.db.date(new Date()), id],
    );
    return changed > 0;
  }

  async purge(id: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      await this.db.query(`SELECT id FROM accounts WHERE id = ?${this.db.forUpdate}`, [id], manager);
      for (const table of TENANT_TABLES) {
        await this.db.query(`DELETE FROM ${this.db.id(table)} WHERE account_id = ?`, [id], manager);
      }
      await this.db.query('DELETE FROM accounts WHERE id = ?', [id], manager);
    });
  }
}
