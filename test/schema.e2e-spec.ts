import { DataSource } from 'typeorm';
import { createDataSource } from '../src/database/database-options';
import { describeEachEngine } from './support/databases';

const TENANT_TABLES = [
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
