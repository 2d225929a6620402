import { DataSource, DataSourceOptions } from 'typeorm';
import { Database } from '../src/database/database';
import { createDataSource, dataSourceOptions } from '../src/database/database-options';
import { InitialSchema1764270000000 } from '../migrations/1764270000000-InitialSchema';
import { CallStatsIndex1764280000000 } from '../migrations/1764280000000-CallStatsIndex';
import { LinkStartedAt1764290000000 } from '../migrations/1764290000000-LinkStartedAt';
import { InboxQueueOrder1764300000000 } from '../migrations/1764300000000-InboxQueueOrder';
import { claimStatement } from '../src/webhooks/inbox-processor';
import { INBOX_COLUMNS } from '../src/webhooks/webhook-inbox';
import { describeEachEngine } from './support/databases';

const TENANT_TABLES = [
  'account_identities',
  'calls',
  'users',
  'numbers',
  'contacts',
  'teams',
  'team_users',
  'call_teams',
  'tags',
  'call_tags',
  'call_comments',
  'webhook_events',
  'sync_runs',
  'leases',
];

describeEachEngine('schema migrations', (db) => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createDataSource(db().url);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('creates every table of the contract', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      for (const name of ['accounts', ...TENANT_TABLES, 'api_keys', 'oauth_states']) {
        expect(await runner.hasTable(name)).toBe(true);
      }
    } finally {
      await runner.release();
    }
  });

  it('starts the primary key of every tenant-owned table with account_id', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      for (const name of TENANT_TABLES) {
        const table = await runner.getTable(name);
        const primary = table!.columns.filter((c) => c.isPrimary).map((c) => c.name);
        expect([name, primary[0]]).toEqual([name, 'account_id']);
      }
    } finally {
      await runner.release();
    }
  });

  it('stores call ids beyond 32 bits exactly', async () => {
    const id = '9007199254740991';
    await dataSource.query(
      `INSERT INTO calls (account_id, id, payload, last_event, last_event_at, state_version, state_hash, created_at, updated_at)
       VALUES (1, ?, '{}', 'test', '2024-01-01 00:00:00.000', 1, 'x', '2024-01-01 00:00:00.000', '2024-01-01 00:00:00.000')`,
      [id],
    );
    const rows = await dataSource.query(`SELECT CAST(id AS CHAR) AS id FROM calls WHERE account_id = 1`);
    expect(String(rows[0].id)).toBe(id);
  });

  it('claims inbox batches in index order: the cost of a claim does not grow with the backlog', async () => {
    const database = new Database(dataSource);
    // A backlog: pending rows due at many different times, and rows already applied.
    const rows: unknown[][] = [];
    for (let i = 0; i < 3000; i++) {
      const due = database.date(new Date(Date.UTC(2024, 0, 1) + (i % 700) * 1000));
      const received = database.date(new Date(Date.UTC(2023, 11, 31) + i));
      const status = i % 3 ? 'pending' : 'applied';
      rows.push([
        1,
        `claim-order-${i}`,
        'call',
        'call.created',
        1,
        i,
        '{}',
        status,
        0,
        due,
        received,
        null,
        null,
      ]);
    }
    await database.upsert('webhook_events', INBOX_COLUMNS, rows, ['account_id', 'id'], []);
    if (database.isMysql) await dataSource.query('ANALYZE TABLE webhook_events');
    const sql = claimStatement(database, 200);
    const now = [database.date(new Date())];
    if (database.isMysql) {
      const plan = (await dataSource.query(`EXPLAIN ${sql}`, now)) as Array<{ key: string; Extra: string }>;
      expect(plan.map((p) => p.key)).toEqual(['IDX_webhook_events_queue']);
      expect(plan[0].Extra ?? '').not.toMatch(/filesort/i);
    } else {
      const plan = (await dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, now)) as Array<{ detail: string }>;
      const details = plan.map((p) => p.detail).join('\n');
      expect(details).toMatch(/IDX_webhook_events_queue/);
      expect(details).not.toMatch(/TEMP B-TREE/i);
    }
    // And the claim returns the earliest due rows first.
    const claimed = (await dataSource.query(sql, now)) as Array<{ id: string }>;
    expect(claimed).toHaveLength(200);
    expect(claimed.slice(0, 5).map((r) => r.id)).toEqual(
      [700, 1400, 2800, 1, 701].map((i) => `claim-order-${i}`),
    );
    await dataSource.query(`DELETE FROM webhook_events WHERE account_id = 1`);
  });

  it('keeps the ids of accounts stored before account identity, with their Aircall company id and known ids', async () => {
    const legacy = new DataSource({
      ...dataSourceOptions(db().url),
      migrations: [
        InitialSchema1764270000000,
        CallStatsIndex1764280000000,
        LinkStartedAt1764290000000,
        InboxQueueOrder1764300000000,
      ],
      migrationsTableName: 'legacy_migrations',
    } as DataSourceOptions);
    // A separate schema would need a second database: reuse this one, emptied, then restored below.
    for (let i = 0; i < dataSource.migrations.length; i++)
      await dataSource.undoLastMigration({ transaction: 'each' });
    await legacy.initialize();
    try {
      await legacy.runMigrations({ transaction: 'each' });
      const database = new Database(legacy);
      const now = database.date(new Date());
      await legacy.query(
        `INSERT INTO accounts (id, name, auth_type, api_id, status, created_at, updated_at) VALUES (5551234, 'Legacy Co', 'basic', 'legacy-api-id', 'active', ?, ?)`,
        [now, now],
      );
      for (const table of ['users', 'numbers'])
        await legacy.query(
          `INSERT INTO ${table} (account_id, id, created_at, updated_at) VALUES (5551234, 987654, ?, ?)`,
          [now, now],
        );
    } finally {
      await legacy.destroy();
    }
    // The service's own migrations table does not know those four: mark them run, then apply the rest.
    await dataSource.query(
      `INSERT INTO migrations (timestamp, name) SELECT timestamp, name FROM legacy_migrations`,
    );
    await dataSource.runMigrations({ transaction: 'each' });
    const [account] = await dataSource.query(
      `SELECT CAST(id AS CHAR) AS id, CAST(aircall_company_id AS CHAR) AS company FROM accounts`,
    );
    expect({ id: String(account.id), company: String(account.company) }).toEqual({
      id: '5551234',
      company: '5551234',
    });
    const identities = (await dataSource.query(
      `SELECT CAST(account_id AS CHAR) AS account_id, kind, aircall_id FROM account_identities ORDER BY kind`,
    )) as Array<Record<string, unknown>>;
    expect(identities.map((row) => [String(row.account_id), row.kind, row.aircall_id])).toEqual([
      ['5551234', 'api_id', 'legacy-api-id'],
      ['5551234', 'number', '987654'],
      ['5551234', 'user', '987654'],
    ]);
    for (const table of ['account_identities', 'users', 'numbers', 'accounts'])
      await dataSource.query(`DELETE FROM ${table}`);
    await dataSource.query('DROP TABLE legacy_migrations');
  });

  it('reverts and re-applies cleanly', async () => {
    for (let i = 0; i < dataSource.migrations.length; i++)
      await dataSource.undoLastMigration({ transaction: 'each' });
    const runner = dataSource.createQueryRunner();
    expect(await runner.hasTable('calls')).toBe(false);
    await runner.release();
    await dataSource.runMigrations({ transaction: 'each' });
    const again = dataSource.createQueryRunner();
    expect(await again.hasTable('calls')).toBe(true);
    await again.release();
  });
});
