import { DataSource } from 'typeorm';
import { ACCOUNT_IDENTITIES, ACCOUNTS } from '../src/accounts/accounts-tables';
import { API_KEYS } from '../src/auth/api-keys-table';
import { CALL_COMMENTS, CALL_MEDIA, CALL_TAGS, CALL_TEAMS, CALLS } from '../src/calls/call-tables';
import { createDataSource } from '../src/database/database-options';
import { ColumnType, Table } from '../src/database/table';
import { CONTACTS, NUMBERS, TAGS, TEAM_USERS, TEAMS, USERS } from '../src/directory/directory-tables';
import { LEASES } from '../src/leases/leases-table';
import { OAUTH_STATES } from '../src/oauth/oauth-states-table';
import { SYNC_RUNS } from '../src/sync/sync-runs-table';
import { WEBHOOK_EVENTS } from '../src/webhooks/inbox-table';
import { describeEachEngine } from './support/databases';

const TABLES: Table<never>[] = [
  ACCOUNTS,
  ACCOUNT_IDENTITIES,
  API_KEYS,
  CALLS,
  CALL_TEAMS,
  CALL_TAGS,
  CALL_COMMENTS,
  CALL_MEDIA,
  USERS,
  NUMBERS,
  TEAMS,
  TAGS,
  CONTACTS,
  TEAM_USERS,
  LEASES,
  OAUTH_STATES,
  SYNC_RUNS,
  WEBHOOK_EVENTS,
] as unknown as Table<never>[];

/** The SQL types (as each engine reports them after the migrations) a definition's type may be. */
const STORED_AS: Record<ColumnType, RegExp> = {
  id: /^bigint/,
  bigid: /^bigint/,
  text: /^(varchar|text|mediumtext)/,
  int: /^(int|bigint|integer)/,
  decimal: /^decimal/,
  bool: /^(tinyint\(1\)|boolean)/,
  datetime: /^datetime/,
  json: /^(json|longtext|text)/,
};

interface StoredColumn {
  name: string;
  type: string;
  nullable: boolean;
}

/**
 * Each table's one definition (src/*\/…-table(s).ts) against the schema the migrations build, on both
 * engines: the same columns, each of a type and nullability the definition's reading agrees with —
 * so a migration and its definition cannot drift apart unnoticed.
 */
describeEachEngine('Table definitions and the migrated schema', (db) => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createDataSource(db().url);
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const columnsOf = async (table: string): Promise<StoredColumn[]> => {
    if (db().engine === 'sqlite') {
      const rows = (await dataSource.query(`PRAGMA table_info("${table}")`)) as Array<{
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }>;
      return rows.map((r) => ({
        name: r.name,
        type: r.type.toLowerCase(),
        nullable: r.notnull === 0 && r.pk === 0,
      }));
    }
    const rows = (await dataSource.query(
      'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [table],
    )) as Array<{ name: string; type: string; n: string }>;
    return rows.map((r) => ({ name: r.name, type: r.type.toLowerCase(), nullable: r.n === 'YES' }));
  };

  it('defines every table the migrations create', async () => {
    const stored =
      db().engine === 'sqlite'
        ? ((await dataSource.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
          )) as Array<{ name: string }>)
        : ((await dataSource.query(
            'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
          )) as Array<{ name: string }>);
    expect(
      stored
        .map((t) => t.name)
        .filter((name) => name !== 'migrations')
        .sort(),
    ).toEqual(TABLES.map((t) => t.name).sort());
  });

  it.each(TABLES.map((table) => [table.name, table] as const))(
    '%s: same columns, types and nullability',
    async (_name, table) => {
      const stored = await columnsOf(table.name);
      expect(stored.map((c) => c.name).sort()).toEqual([...table.columns].sort());
      const specs = table.columnSpecs();
      for (const column of stored) {
        const spec = specs.find((s) => s.column === column.name)!;
        expect([column.name, STORED_AS[spec.type].test(column.type)]).toEqual([column.name, true]);
        expect([column.name, column.nullable]).toEqual([column.name, spec.nullable]);
      }
    },
  );
});
