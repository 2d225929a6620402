import { ACCOUNTS } from '../../src/accounts/accounts-tables';
import { sha256Hex } from '../../src/crypto/hashing';
import { Database } from '../../src/database/database';
import { RowToWrite, Table, WriteRow, Columns } from '../../src/database/table';
import { LEASES } from '../../src/leases/leases-table';
import { SYNC_RUNS } from '../../src/sync/sync-runs-table';
import { WEBHOOK_EVENTS } from '../../src/webhooks/inbox-table';

/**
 * Rows seeded straight into the database, for suites that test what the service does with state it
 * did not make itself. Each writes through the table's own definition, so a seeded row has every
 * column the service's writes have, encoded as they are.
 */
export async function seedRow<C extends Columns>(
  db: Database,
  table: Table<C>,
  row: WriteRow<C>,
): Promise<void> {
  await db.execute(
    `INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
    table.values(db, row),
  );
}

export interface SeededAccount {
  id: string;
  name?: string;
  authType?: 'basic' | 'oauth';
  status?: 'active' | 'needs_reauth' | 'uninstalled' | 'disconnected';
  apiId?: string | null;
  credentials?: string | null;
  /** The webhook token deliveries will carry (only its SHA-256 is stored). */
  webhookToken?: string | null;
  webhookId?: string | null;
  webhookActive?: boolean | null;
  webhookCheckedAt?: Date | null;
  lastSyncedAt?: Date | null;
  aircallCompanyId?: string | null;
  archiveRecordings?: boolean;
  createdAt?: Date;
}

/** An account row as connecting one would leave it, for suites that do not go through Aircall. */
export async function seedAccount(db: Database, account: SeededAccount): Promise<void> {
  const now = account.createdAt ?? new Date();
  const row: RowToWrite<typeof ACCOUNTS> = {
    id: account.id,
    aircallCompanyId: account.aircallCompanyId ?? null,
    name: account.name ?? `Company ${account.id}`,
    authType: account.authType ?? 'basic',
    apiId: account.apiId ?? null,
    credentials: account.credentials ?? null,
    status: account.status ?? 'active',
    statusReason: null,
    webhookId: account.webhookId ?? null,
    webhookTokenHash: account.webhookToken ? sha256Hex(account.webhookToken) : null,
    webhookActive: account.webhookActive ?? null,
    webhookCheckedAt: account.webhookCheckedAt ?? null,
    syncCursor: null,
    lastSyncedAt: account.lastSyncedAt ?? null,
    disconnectedAt: null,
    archiveRecordings: account.archiveRecordings ?? true,
    createdAt: now,
    updatedAt: now,
  };
  await seedRow(db, ACCOUNTS, row);
}

export type SeededSyncRun = Pick<RowToWrite<typeof SYNC_RUNS>, 'accountId' | 'id'> &
  Partial<RowToWrite<typeof SYNC_RUNS>>;

/** A sync run row; by default a finished backfill that fetched nothing. */
export async function seedSyncRun(db: Database, run: SeededSyncRun): Promise<void> {
  const now = run.createdAt ?? new Date();
  await seedRow(db, SYNC_RUNS, {
    kind: 'backfill',
    status: 'succeeded',
    windowFrom: null,
    windowTo: null,
    requestsMade: 0,
    callsFetched: 0,
    callsWritten: 0,
    callsListed: 0,
    callsExpected: null,
    estimatedFinishAt: null,
    checkpoint: null,
    error: null,
    startedAt: null,
    finishedAt: null,
    heartbeatAt: null,
    createdAt: now,
    updatedAt: now,
    ...run,
  });
}

export type SeededInboxEvent = Pick<RowToWrite<typeof WEBHOOK_EVENTS>, 'accountId' | 'id'> &
  Partial<RowToWrite<typeof WEBHOOK_EVENTS>>;

/** An inbox row; by default a pending `call.ended` for call 123 with an empty `data`, due now. */
export async function seedInboxEvent(db: Database, event: SeededInboxEvent): Promise<void> {
  const receivedAt = event.receivedAt ?? new Date();
  await seedRow(db, WEBHOOK_EVENTS, {
    resource: 'call',
    event: 'call.ended',
    eventTimestamp: 1717236000,
    resourceId: '123',
    data: '{}',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: receivedAt,
    receivedAt,
    lastError: null,
    raw: null,
    appliedAt: null,
    ...event,
  });
}

/** A lease held by `holder` until `expiresAt` (account `'0'` for service-wide work). */
export async function seedLease(
  db: Database,
  lease: { accountId: string; name: string; holder: string; expiresAt: Date },
): Promise<void> {
  await seedRow(db, LEASES, { ...lease, acquiredAt: new Date() });
}
