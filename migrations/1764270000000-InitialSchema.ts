import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { portableColumns } from '../src/database/portable-columns';

/**
 * The whole schema, written once with the portable Table API so it runs on MySQL/MariaDB and SQLite.
 * Tenant first: every tenant-owned table's primary key starts with account_id (shards by account on
 * Vitess/TiDB; one account can never address another's rows).
 */
export class InitialSchema1764270000000 implements MigrationInterface {
  name = 'InitialSchema1764270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    const stamps = [c.datetime('created_at'), c.datetime('updated_at')];
    const create = (table: Table) => queryRunner.createTable(table, true);

    await create(
      new Table({
        name: 'accounts',
        columns: [
          c.bigint('id', { isPrimary: true, comment: 'Aircall company id' }),
          c.string('name', 255, { isNullable: true }),
          c.string('auth_type', 16, { comment: 'oauth | basic' }),
          c.string('api_id', 128, { isNullable: true }),
          c.text('credentials', { isNullable: true, comment: 'AES-256-GCM sealed access token / api token' }),
          c.string('status', 24, { default: "'active'", comment: 'active | needs_reauth | disconnected' }),
          c.string('status_reason', 512, { isNullable: true }),
          c.string('webhook_id', 64, { isNullable: true }),
          c.string('webhook_token_hash', 64, {
            isNullable: true,
            comment: 'SHA-256 of the webhook token, hex',
          }),
          c.boolean('webhook_active', { isNullable: true }),
          c.datetime('webhook_checked_at', { isNullable: true }),
          c.datetime('sync_cursor', { isNullable: true, comment: 'calls started up to here are synced' }),
          c.datetime('last_synced_at', { isNullable: true }),
          c.datetime('disconnected_at', { isNullable: true }),
          ...stamps,
        ],
        indices: [
          new TableIndex({
            name: 'UQ_accounts_webhook_token_hash',
            columnNames: ['webhook_token_hash'],
            isUnique: true,
          }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'calls',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.bigint('id', { isPrimary: true }),
          c.string('call_uuid', 128, { isNullable: true }),
          c.string('direct_link', 512, { isNullable: true }),
          c.string('direction', 16, { isNullable: true }),
          c.string('status', 24, { isNullable: true }),
          c.string('missed_call_reason', 64, { isNullable: true }),
          c.string('hangup_cause', 64, { isNullable: true }),
          c.datetime('started_at', { isNullable: true }),
          c.datetime('answered_at', { isNullable: true }),
          c.datetime('ended_at', { isNullable: true }),
          c.int('duration', { isNullable: true }),
          c.boolean('missed', { default: 0 }),
          c.int('in_call_duration', { isNullable: true }),
          c.int('waiting_duration', { isNullable: true }),
          c.string('raw_digits', 64, { isNullable: true }),
          c.string('digits', 32, {
            isNullable: true,
            comment: 'raw_digits normalised to international digits only',
          }),
          c.boolean('archived', { default: 0 }),
          c.decimal('cost', 14, 4, { isNullable: true }),
          c.string('country_code', 2, { isNullable: true }),
          c.text('recording_url', { isNullable: true }),
          c.text('voicemail_url', { isNullable: true }),
          c.text('asset_url', { isNullable: true }),
          c.bigint('user_id', { isNullable: true }),
          c.bigint('number_id', { isNullable: true }),
          c.bigint('assigned_to_id', { isNullable: true }),
          c.bigint('transferred_by_id', { isNullable: true }),
          c.bigint('transferred_to_id', { isNullable: true }),
          c.bigint('contact_id', { isNullable: true }),
          c.json('participants', { isNullable: true }),
          c.json('ivr_options', { isNullable: true }),
          c.json('payload', { comment: 'newest full Call object as Aircall sent it' }),
          c.string('last_event', 64),
          c.datetime('last_event_at'),
          c.bigint('state_version', { comment: 'event time (ms) * 16 + lifecycle rank; newer wins' }),
          c.string('state_hash', 64, { comment: 'tie-break between different states of equal version' }),
          ...stamps,
        ],
        indices: [
          new TableIndex({ name: 'IDX_calls_started', columnNames: ['account_id', 'started_at', 'id'] }),
          new TableIndex({ name: 'IDX_calls_started_all', columnNames: ['started_at', 'account_id', 'id'] }),
          new TableIndex({ name: 'IDX_calls_missed', columnNames: ['account_id', 'missed', 'started_at'] }),
          new TableIndex({ name: 'IDX_calls_user', columnNames: ['account_id', 'user_id', 'started_at'] }),
          new TableIndex({
            name: 'IDX_calls_number',
            columnNames: ['account_id', 'number_id', 'started_at'],
          }),
          new TableIndex({ name: 'IDX_calls_status', columnNames: ['account_id', 'status', 'started_at'] }),
          new TableIndex({ name: 'IDX_calls_digits', columnNames: ['account_id', 'digits'] }),
          new TableIndex({ name: 'IDX_calls_contact', columnNames: ['account_id', 'contact_id'] }),
        ],
      }),
    );

    const directory = (name: string, columns: ReturnType<typeof c.string>[]) =>
      create(
        new Table({
          name,
          columns: [
            c.bigint('account_id', { isPrimary: true }),
            c.bigint('id', { isPrimary: true }),
            ...columns,
            c.datetime('deleted_at', { isNullable: true }),
            c.json('payload', { isNullable: true }),
            c.bigint('state_version', {
              default: 0,
              comment: 'version of the snapshot this row holds; newer wins',
            }),
            c.string('state_hash', 64, { default: "''" }),
            ...stamps,
          ],
        }),
      );

    await directory('users', [
      c.string('name', 255, { isNullable: true }),
      c.string('email', 255, { isNullable: true }),
      c.boolean('available', { isNullable: true }),
      c.string('availability_status', 32, { isNullable: true }),
      c.string('substatus', 64, { isNullable: true }),
      c.string('time_zone', 64, { isNullable: true }),
      c.string('language', 16, { isNullable: true }),
      c.int('wrap_up_time', { isNullable: true }),
      c.datetime('aircall_created_at', { isNullable: true }),
    ]);
    await directory('numbers', [
      c.string('name', 255, { isNullable: true }),
      c.string('digits', 64, { isNullable: true }),
      c.string('e164_digits', 32, { isNullable: true }),
      c.string('country', 8, { isNullable: true }),
      c.string('time_zone', 64, { isNullable: true }),
      c.boolean('open', { isNullable: true }),
      c.string('availability_status', 32, { isNullable: true }),
      c.boolean('is_ivr', { isNullable: true }),
      c.boolean('live_recording_activated', { isNullable: true }),
      c.int('priority', { isNullable: true }),
      c.datetime('aircall_created_at', { isNullable: true }),
    ]);
    await directory('contacts', [
      c.string('first_name', 255, { isNullable: true }),
      c.string('last_name', 255, { isNullable: true }),
      c.string('company_name', 255, { isNullable: true }),
      c.text('description', { isNullable: true }),
      c.text('information', { isNullable: true }),
      c.boolean('is_shared', { isNullable: true }),
      c.json('phone_numbers', { isNullable: true }),
      c.json('emails', { isNullable: true }),
      c.datetime('aircall_created_at', { isNullable: true }),
      c.datetime('aircall_updated_at', { isNullable: true }),
    ]);
    await directory('teams', [
      c.string('name', 255, { isNullable: true }),
      c.datetime('aircall_created_at', { isNullable: true }),
    ]);
    await directory('tags', [
      c.string('name', 255, { isNullable: true }),
      c.string('color', 32, { isNullable: true }),
      c.string('description', 1024, { isNullable: true }),
    ]);

    await create(
      new Table({
        name: 'team_users',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.bigint('team_id', { isPrimary: true }),
          c.bigint('user_id', { isPrimary: true }),
        ],
        indices: [new TableIndex({ name: 'IDX_team_users_user', columnNames: ['account_id', 'user_id'] })],
      }),
    );
    await create(
      new Table({
        name: 'call_teams',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.bigint('call_id', { isPrimary: true }),
          c.bigint('team_id', { isPrimary: true }),
        ],
        indices: [
          new TableIndex({ name: 'IDX_call_teams_team', columnNames: ['account_id', 'team_id', 'call_id'] }),
        ],
      }),
    );
    await create(
      new Table({
        name: 'call_tags',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.bigint('call_id', { isPrimary: true }),
          c.bigint('tag_id', { isPrimary: true }),
          c.bigint('tagged_by_id', { isNullable: true }),
          c.datetime('tagged_at', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'IDX_call_tags_tag', columnNames: ['account_id', 'tag_id', 'call_id'] }),
        ],
      }),
    );
    await create(
      new Table({
        name: 'call_comments',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.bigint('call_id', { isPrimary: true }),
          c.bigint('id', { isPrimary: true }),
          c.text('content', { isNullable: true }),
          c.bigint('posted_by_id', { isNullable: true }),
          c.datetime('posted_at', { isNullable: true }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'webhook_events',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.string('id', 32, {
            isPrimary: true,
            comment: 'fingerprint of the delivery: the same delivery twice is one row',
          }),
          c.string('resource', 32),
          c.string('event', 64),
          c.bigint('event_timestamp', { comment: "Aircall's envelope timestamp (unix seconds)" }),
          c.bigint('resource_id', { isNullable: true }),
          c.json('data', { comment: 'the envelope data (never the token)' }),
          c.string('status', 16, { default: "'pending'", comment: 'pending | applied | skipped | failed' }),
          c.int('attempts', { default: 0 }),
          c.text('last_error', { isNullable: true }),
          c.datetime('next_attempt_at'),
          c.datetime('received_at'),
          c.datetime('applied_at', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'IDX_webhook_events_queue', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'IDX_webhook_events_resource', columnNames: ['account_id', 'resource_id'] }),
          new TableIndex({ name: 'IDX_webhook_events_received', columnNames: ['account_id', 'received_at'] }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'sync_runs',
        columns: [
          c.bigint('account_id', { isPrimary: true }),
          c.bigint('id', { isPrimary: true }),
          c.string('kind', 16, { comment: 'backfill | incremental | manual | repair | reference' }),
          c.datetime('window_from', { isNullable: true }),
          c.datetime('window_to', { isNullable: true }),
          c.string('status', 16, { default: "'queued'", comment: 'queued | running | succeeded | failed' }),
          c.int('requests_made', { default: 0 }),
          c.int('calls_fetched', { default: 0 }),
          c.int('calls_written', { default: 0 }),
          c.json('checkpoint', { isNullable: true }),
          c.text('error', { isNullable: true }),
          c.datetime('started_at', { isNullable: true }),
          c.datetime('finished_at', { isNullable: true }),
          c.datetime('heartbeat_at', { isNullable: true }),
          ...stamps,
        ],
        indices: [new TableIndex({ name: 'IDX_sync_runs_status', columnNames: ['status', 'account_id'] })],
      }),
    );

    await create(
      new Table({
        name: 'leases',
        columns: [
          c.bigint('account_id', { isPrimary: true, comment: '0 for service-wide leases' }),
          c.string('name', 128, { isPrimary: true }),
          c.string('holder', 128),
          c.datetime('expires_at'),
          c.datetime('acquired_at'),
        ],
      }),
    );

    await create(
      new Table({
        name: 'api_keys',
        columns: [
          c.bigint('id', { isPrimary: true }),
          c.string('name', 128),
          c.string('role', 16, { comment: 'READER | ADMIN' }),
          c.json('account_ids', { isNullable: true, comment: 'null = every account' }),
          c.string('key_hash', 64, { comment: 'SHA-256 of the key, hex' }),
          c.string('key_prefix', 16),
          c.datetime('created_at'),
          c.datetime('revoked_at', { isNullable: true }),
          c.datetime('last_used_at', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'UQ_api_keys_key_hash', columnNames: ['key_hash'], isUnique: true }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'oauth_states',
        columns: [
          c.string('nonce', 64, { isPrimary: true }),
          c.datetime('expires_at'),
          c.datetime('used_at', { isNullable: true }),
          c.datetime('created_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'oauth_states',
      'api_keys',
      'leases',
      'sync_runs',
      'webhook_events',
      'call_comments',
      'call_tags',
      'call_teams',
      'team_users',
      'tags',
      'teams',
      'contacts',
      'numbers',
      'users',
      'calls',
      'accounts',
    ]) {
      await queryRunner.dropTable(table, true);
    }
  }
}
