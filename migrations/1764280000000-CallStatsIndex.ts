import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * A covering index for callStats: every column the aggregates read, after (account_id, started_at), so
 * a day/week/user/number breakdown over a time range is one index range scan, with no row lookups.
 */
export class CallStatsIndex1764280000000 implements MigrationInterface {
  name = 'CallStatsIndex1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'calls',
      new TableIndex({
        name: 'IDX_calls_stats',
        columnNames: [
          'account_id',
          'started_at',
          'direction',
          'missed',
          'answered_at',
          'in_call_duration',
          'waiting_duration',
          'user_id',
          'number_id',
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('calls', 'IDX_calls_stats');
  }
}
