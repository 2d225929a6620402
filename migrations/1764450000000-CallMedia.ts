import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { portableColumns } from '../src/database/portable-columns';

/**
 * `call_media`: the archive state of each call's recording and voicemail (the link itself stays on
 * `calls`, refreshed by every snapshot), and `accounts.archive_recordings`, the per-account switch.
 * Existing calls get no rows: the archive starts with the calls written after RECORDINGS=archive.
 */
export class CallMedia1764450000000 implements MigrationInterface {
  name = 'CallMedia1764450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'call_media',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.bigint('call_id', { isPrimary: true }),
          c.string('kind', 16, { isPrimary: true, comment: 'recording | voicemail' }),
          c.string('status', 16, { comment: 'pending | checking | archived | failed | expired | deleted' }),
          c.datetime('call_started_at', { isNullable: true }),
          c.string('storage_key', 512, { isNullable: true }),
          c.bigint('size_bytes', { isNullable: true }),
          c.int('duration_seconds', { isNullable: true }),
          c.string('content_type', 100, { isNullable: true }),
          c.string('sha256', 64, { isNullable: true }),
          c.datetime('archived_at', { isNullable: true }),
          c.int('attempts', { default: 0 }),
          c.int('refreshes', { default: 0 }),
          c.datetime('next_attempt_at'),
          c.text('last_error', { isNullable: true }),
          c.string('claimed_by', 64, { isNullable: true }),
          c.datetime('claimed_until', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_call_media_queue', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'IDX_call_media_age', columnNames: ['status', 'call_started_at'] }),
          new TableIndex({ name: 'IDX_call_media_account', columnNames: ['account_id', 'status'] }),
        ],
      }),
      true,
    );
    await queryRunner.addColumn('accounts', new TableColumn(c.boolean('archive_recordings', { default: 1 })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('accounts', 'archive_recordings');
    await queryRunner.dropTable('call_media');
  }
}
