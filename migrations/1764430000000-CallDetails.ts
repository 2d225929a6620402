import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { portableColumns } from '../src/database/portable-columns';

const STATS_COLUMNS = [
  'account_id',
  'started_at',
  'direction',
  'missed',
  'answered_at',
  'in_call_duration',
  'waiting_duration',
  'user_id',
  'number_id',
];

/**
 * Richer calls: `outcome` in Aircall Analytics' call types for inbound calls (answered, missed,
 * abandoned, out_of_hours, voicemail; src/calls/call-record.ts), and the external transfer fields of
 * `call.external_transferred`. Stored rows get both from what they already hold. The stats index
 * covers `outcome` too, so callStats counts it from the index alone.
 */
export class CallDetails1764430000000 implements MigrationInterface {
  name = 'CallDetails1764430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    const mysql = queryRunner.connection.driver.options.type === 'mysql';
    await queryRunner.addColumns('calls', [
      new TableColumn(
        c.string('outcome', 16, { isNullable: true, comment: 'inbound calls: Aircall Analytics call type' }),
      ),
      new TableColumn(c.string('external_transferred_to', 64, { isNullable: true })),
      new TableColumn(c.string('external_caller_number', 64, { isNullable: true })),
    ]);
    const field = (key: string) =>
      mysql ? `JSON_UNQUOTE(JSON_EXTRACT(payload, '$.${key}'))` : `json_extract(payload, '$.${key}')`;
    await queryRunner.query(
      `UPDATE calls SET
         outcome = CASE
           WHEN direction IS NULL OR direction <> 'inbound' OR status IS NULL OR status <> 'done' THEN NULL
           WHEN answered_at IS NOT NULL THEN 'answered'
           WHEN missed_call_reason = 'out_of_opening_hours' THEN 'out_of_hours'
           WHEN voicemail_url IS NOT NULL THEN 'voicemail'
           WHEN missed_call_reason IN ('short_abandoned', 'abandoned_in_ivr', 'abandoned_in_classic', 'abandoned') THEN 'abandoned'
           ELSE 'missed' END,
         external_transferred_to = SUBSTR(${field('external_transferred_to')}, 1, 64),
         external_caller_number = SUBSTR(${field('external_caller_number')}, 1, 64)`,
    );
    // JSON null reads back as the text 'null' through JSON_UNQUOTE on MySQL.
    for (const column of ['external_transferred_to', 'external_caller_number'])
      await queryRunner.query(`UPDATE calls SET ${column} = NULL WHERE ${column} = 'null'`);
    await queryRunner.createIndex(
      'calls',
      new TableIndex({ name: 'IDX_calls_outcome', columnNames: ['account_id', 'outcome', 'started_at'] }),
    );
    await queryRunner.dropIndex('calls', 'IDX_calls_stats');
    await queryRunner.createIndex(
      'calls',
      new TableIndex({ name: 'IDX_calls_stats', columnNames: [...STATS_COLUMNS, 'outcome'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('calls', 'IDX_calls_stats');
    await queryRunner.createIndex(
      'calls',
      new TableIndex({ name: 'IDX_calls_stats', columnNames: STATS_COLUMNS }),
    );
    await queryRunner.dropIndex('calls', 'IDX_calls_outcome');
    for (const column of ['outcome', 'external_transferred_to', 'external_caller_number'])
      await queryRunner.dropColumn('calls', column);
  }
}
