import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { portableColumns } from '../src/database/portable-columns';

/**
 * Sync progress a person can read: `calls_listed` counts the calls of the run's windows written so
 * far (each once), `calls_expected` what Aircall's `meta.total` says the windows hold, and
 * `estimated_finish_at` when the run should end at the company's rate budget. Earlier runs keep
 * NULL expectations: nothing recorded what their windows held.
 */
export class SyncProgress1764440000000 implements MigrationInterface {
  name = 'SyncProgress1764440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.addColumns('sync_runs', [
      new TableColumn(c.int('calls_listed', { default: 0 })),
      new TableColumn(c.int('calls_expected', { isNullable: true })),
      new TableColumn(c.datetime('estimated_finish_at', { isNullable: true })),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['estimated_finish_at', 'calls_expected', 'calls_listed'])
      await queryRunner.dropColumn('sync_runs', column);
  }
}
