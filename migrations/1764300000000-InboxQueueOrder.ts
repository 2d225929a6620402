import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The inbox processor claims `WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY
 * next_attempt_at, received_at LIMIT n`. With the queue index on (status, next_attempt_at) alone the
 * database sorted every pending row to return the first n, so each claim cost grew with the backlog
 * just when the processor had to catch up. With
 * received_at in the index the claim reads its n rows in index order and stops.
 */
export class InboxQueueOrder1764300000000 implements MigrationInterface {
  name = 'InboxQueueOrder1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_events', 'IDX_webhook_events_queue');
    await queryRunner.createIndex(
      'webhook_events',
      new TableIndex({
        name: 'IDX_webhook_events_queue',
        columnNames: ['status', 'next_attempt_at', 'received_at'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_events', 'IDX_webhook_events_queue');
    await queryRunner.createIndex(
      'webhook_events',
      new TableIndex({ name: 'IDX_webhook_events_queue', columnNames: ['status', 'next_attempt_at'] }),
    );
  }
}
