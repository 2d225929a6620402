import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { portableColumns } from '../src/database/portable-columns';

const TABLES = ['users', 'numbers', 'teams', 'tags', 'contacts'];

/**
 * Directory rows are merged key by key (src/directory/field-merge.ts): `field_versions` holds the
 * version each key of `payload` was last set at. Rows written before keep theirs in state_version,
 * which then stands for every key.
 */
export class DirectoryFieldVersions1764420000000 implements MigrationInterface {
  name = 'DirectoryFieldVersions1764420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    for (const table of TABLES) {
      await queryRunner.addColumn(
        table,
        new TableColumn(
          c.json('field_versions', { isNullable: true, comment: 'version of each payload key' }),
        ),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.dropColumn(table, 'field_versions');
  }
}
