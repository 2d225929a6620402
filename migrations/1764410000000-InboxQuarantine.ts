import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { portableColumns } from '../src/database/portable-columns';

/**
 * Deliveries are never refused for their content: one whose envelope cannot be read is stored as
 * `quarantined` with its body (token removed) in `raw`, so a later version can read it again.
 */
export class InboxQuarantine1764410000000 implements MigrationInterface {
  name = 'InboxQuarantine1764410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.addColumn(
      'webhook_events',
      new TableColumn(
        c.text('raw', {
          isNullable: true,
          comment: 'body of a delivery quarantined at intake, token removed',
        }),
      ),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_events', 'raw');
  }
}
