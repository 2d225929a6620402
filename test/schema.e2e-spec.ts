import { DataSource } from 'typeorm';
import { Database } from '../src/database/database';
import { createDataSource } from '../src/database/database-options';
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
