import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { portableColumns } from '../src/database/portable-columns';

/**
 * Accounts no longer take Aircall's company id as their own: an API key does not say which company it
 * is (GET /v1/company has no id). `aircall_company_id` keeps the id where an OAuth install gave it —
 * every account stored so far, whose id was that company id, keeps both — and `account_identities`
 * holds the Aircall ids (api_id, users, numbers) that recognise the company when it connects again.
 */
export class AccountIdentity1764400000000 implements MigrationInterface {
  name = 'AccountIdentity1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    const mysql = queryRunner.connection.driver.options.type === 'mysql';
    await queryRunner.addColumn(
      'accounts',
      new TableColumn(
        c.bigint('aircall_company_id', { isNullable: true, comment: "Aircall's company id (OAuth)" }),
      ),
    );
    await queryRunner.query('UPDATE accounts SET aircall_company_id = id');
    await queryRunner.createIndex(
      'accounts',
      new TableIndex({
        name: 'UQ_accounts_aircall_company_id',
        columnNames: ['aircall_company_id'],
        isUnique: true,
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'account_identities',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.string('kind', 16, { isPrimary: true, comment: 'api_id | user | number' }),
          c.string('aircall_id', 128, { isPrimary: true }),
          c.datetime('created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_account_identities_id',
            columnNames: ['kind', 'aircall_id'],
            isUnique: true,
          }),
        ],
      }),
      true,
    );
    const insert = mysql ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO';
    const text = mysql ? 'CHAR' : 'TEXT';
    const now = mysql ? 'UTC_TIMESTAMP(3)' : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    await queryRunner.query(
      `${insert} account_identities (account_id, kind, aircall_id, created_at)
         SELECT id, 'api_id', api_id, ${now} FROM accounts WHERE api_id IS NOT NULL`,
    );
    for (const [table, kind] of [
      ['users', 'user'],
      ['numbers', 'number'],
    ]) {
      await queryRunner.query(
        `${insert} account_identities (account_id, kind, aircall_id, created_at)
           SELECT account_id, '${kind}', CAST(id AS ${text}), ${now} FROM ${table}`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('account_identities', true);
    await queryRunner.dropIndex('accounts', 'UQ_accounts_aircall_company_id');
    await queryRunner.dropColumn('accounts', 'aircall_company_id');
  }
}
