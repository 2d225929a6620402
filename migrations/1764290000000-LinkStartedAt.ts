import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { portableColumns } from '../src/database/portable-columns';

const LINKS = [
  {
    table: 'call_teams',
    key: 'team_id',
    oldIndex: 'IDX_call_teams_team',
    newIndex: 'IDX_call_teams_team_started',
  },
  { table: 'call_tags', key: 'tag_id', oldIndex: 'IDX_call_tags_tag', newIndex: 'IDX_call_tags_tag_started' },
] as const;

/**
 * The calls of one team or tag, newest first, straight from an index: the link tables get a copy of
 * their call's started_at (written with the links by CallUpserter) and an index on
 * (account_id, team/tag, started_at, call_id) in place of (account_id, team/tag, call_id). Before, a
 * tag's page had to look up every call carrying the tag to sort them; now it reads the 50 it returns.
 */
export class LinkStartedAt1764290000000 implements MigrationInterface {
  name = 'LinkStartedAt1764290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    const mysql = queryRunner.connection.driver.options.type === 'mysql';
    for (const link of LINKS) {
      await queryRunner.addColumn(
        link.table,
        new TableColumn(
          c.datetime('started_at', {
            isNullable: true,
            comment: "copy of the call's started_at (index order)",
          }),
        ),
      );
      await queryRunner.query(
        mysql
          ? `UPDATE ${link.table} l JOIN calls c ON c.account_id = l.account_id AND c.id = l.call_id SET l.started_at = c.started_at`
          : `UPDATE ${link.table} SET started_at = (SELECT c.started_at FROM calls c WHERE c.account_id = ${link.table}.account_id AND c.id = ${link.table}.call_id)`,
      );
      await queryRunner.dropIndex(link.table, link.oldIndex);
      await queryRunner.createIndex(
        link.table,
        new TableIndex({
          name: link.newIndex,
          columnNames: ['account_id', link.key, 'started_at', 'call_id'],
        }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const link of LINKS) {
      await queryRunner.dropIndex(link.table, link.newIndex);
      await queryRunner.createIndex(
        link.table,
        new TableIndex({ name: link.oldIndex, columnNames: ['account_id', link.key, 'call_id'] }),
      );
      await queryRunner.dropColumn(link.table, 'started_at');
    }
  }
}
