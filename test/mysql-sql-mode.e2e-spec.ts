import { Connection, createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { Database } from '../src/database/database';
import { createDataSource } from '../src/database/database-options';
import { createTestDatabase, TestDatabase, testEngines } from './support/databases';
import { expectTrickyTextStoredAsSent } from './support/tricky-text';

/**
 * A MySQL server whose global sql_mode has NO_BACKSLASH_ESCAPES: mysql2 escapes a quote in a string
 * literal as \', which such a server would read as a backslash and the end of the literal. The
 * service's connections turn that mode off for their session, so text is stored as sent.
 */
describe('a MySQL/MariaDB server running with NO_BACKSLASH_ESCAPES', () => {
  if (!testEngines().includes('mysql')) {
    // Reported as skipped, not passed: without a server there is nothing to check.
    it.skip('needs DATABASE_URL=mysql://… (SQLite binds parameters and has no such mode)', () => undefined);
    return;
  }

  let admin: Connection;
  let globalMode: string;
  let testDb: TestDatabase;
  let dataSource: DataSource;
  let database: Database;

  beforeAll(async () => {
    admin = await createConnection(process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'));
    const [rows] = await admin.query('SELECT @@GLOBAL.sql_mode AS mode');
    globalMode = String((rows as Array<{ mode: unknown }>)[0].mode);
    // Only connections opened from here on get the new global mode: the service's pool below.
    await admin.query('SET GLOBAL sql_mode = ?', [
      ['NO_BACKSLASH_ESCAPES', ...globalMode.split(',').filter(Boolean)].join(','),
    ]);
    testDb = await createTestDatabase('mysql');
    dataSource = createDataSource(testDb.url);
    await dataSource.initialize();
    await dataSource.runMigrations();
    database = new Database(dataSource);
  }, 60_000);

  afterAll(async () => {
    await admin?.query('SET GLOBAL sql_mode = ?', [globalMode]);
    await dataSource?.destroy();
    await testDb?.drop();
    await admin?.end();
  });

  it('opens its connections without NO_BACKSLASH_ESCAPES and keeps the other modes', async () => {
    const [fresh] = await createConnection(testDb.url).then(async (c) => {
      const [rows] = await c.query('SELECT @@SESSION.sql_mode AS mode');
      await c.end();
      return rows as Array<{ mode: string }>;
    });
    // A plain connection gets the server's mode: the situation this suite is about.
    expect(fresh.mode.split(',')).toContain('NO_BACKSLASH_ESCAPES');
    // Every connection of the pool, not only the first: hold several at once.
    const runners = Array.from({ length: 3 }, () => dataSource.createQueryRunner());
    try {
      for (const runner of runners) await runner.connect();
      for (const runner of runners) {
        const [row] = (await runner.query('SELECT @@SESSION.sql_mode AS mode')) as Array<{ mode: string }>;
        expect(row.mode.split(',').sort()).toEqual(
          fresh.mode
            .split(',')
            .filter((m) => m !== 'NO_BACKSLASH_ESCAPES')
            .sort(),
        );
      }
    } finally {
      for (const runner of runners) await runner.release();
    }
  });

  it('stores payload text with quotes and backslashes as sent', async () => {
    await expectTrickyTextStoredAsSent(database);
  });
});
