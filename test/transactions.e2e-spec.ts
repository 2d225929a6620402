import { DataSource } from 'typeorm';
import { AccountsRepository } from '../src/accounts/accounts.repository';
import { createDataSource } from '../src/database/database-options';
import { Database, StatementOutsideTransactionError } from '../src/database/database';
import { SyncRunsRepository } from '../src/sync/sync-runs.repository';
import { seedAccount } from './support/seed';
import { describeEachEngine } from './support/databases';

/**
 * Repository writes take the runner first, and a statement that leaves it out while a transaction
 * is open around it is refused — on SQLite it would run inside the transaction (one connection), on
 * MySQL outside it (the pool) — so a transaction's work commits or rolls back as one.
 */
describeEachEngine('Transactions', (db) => {
  let dataSource: DataSource;
  let database: Database;
  let accounts: AccountsRepository;
  let runs: SyncRunsRepository;

  beforeAll(async () => {
    dataSource = createDataSource(db().url);
    await dataSource.initialize();
    await dataSource.runMigrations();
    database = new Database(dataSource);
    accounts = new AccountsRepository(database);
    runs = new SyncRunsRepository(database);
    await seedAccount(database, { id: '9600', name: 'Before' });
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const identities = async () =>
    Number(
      (
        await database.query<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM account_identities WHERE account_id = ?',
          ['9600'],
        )
      )[0].n,
    );
  const nameOf = async () =>
    (await database.query<{ name: string }>('SELECT name FROM accounts WHERE id = ?', ['9600']))[0].name;

  it('rolls back every repository write of a transaction that fails, and keeps those of one that commits', async () => {
    const run = await runs.create({
      accountId: '9600',
      kind: 'manual',
      windowFrom: new Date('2026-01-01T00:00:00Z'),
      windowTo: new Date('2026-01-02T00:00:00Z'),
      checkpoint: { phase: 'calls', pending: [], current: null },
    });
    await expect(
      database.transaction(async (m) => {
        await accounts.saveIdentities(m, '9600', [{ kind: 'user', value: '123' }]);
        await runs.saveProgress(m, { ...run, callsWritten: 50 });
        throw new Error('the page failed after its writes');
      }),
    ).rejects.toThrow('the page failed after its writes');
    expect(await identities()).toBe(0);
    expect((await runs.get('9600', run.id))!.callsWritten).toBe(0);

    await database.transaction(async (m) => {
      await accounts.saveIdentities(m, '9600', [{ kind: 'user', value: '123' }]);
      await runs.saveProgress(m, { ...run, callsWritten: 50 });
    });
    expect(await identities()).toBe(1);
    expect((await runs.get('9600', run.id))!.callsWritten).toBe(50);
  });

  it('refuses a statement without the runner of the transaction open around it, and writes nothing', async () => {
    for (const outside of [
      () => database.execute('UPDATE accounts SET name = ? WHERE id = ?', ['Changed', '9600']),
      () => accounts.findById(database.autocommit, '9600'),
      () => database.read('SELECT 1 AS one'),
      () => database.transaction(() => Promise.resolve()),
    ]) {
      await expect(
        database.transaction(async (m) => {
          await database.execute('UPDATE accounts SET name = ? WHERE id = ?', ['Inside', '9600'], m);
          await outside();
        }),
      ).rejects.toBeInstanceOf(StatementOutsideTransactionError);
      expect(await nameOf()).toBe('Before');
    }
  });

  it('lets work started inside a transaction run on its own once the transaction is over', async () => {
    let later: Promise<unknown> = Promise.resolve();
    await database.transaction(async () => {
      later = new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
        database.execute('UPDATE accounts SET name = ? WHERE id = ?', ['After', '9600']),
      );
    });
    await later;
    expect(await nameOf()).toBe('After');
  });
});
