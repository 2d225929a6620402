import { Database } from '../../src/database/database';

/**
 * Inserts `count` ended calls of `accountId` straight into `calls` (multi-row INSERTs, minimal
 * columns), one every two minutes from 2024-01-01, spread over 40 agents, a fifth of them missed:
 * enough rows for a statement to take a while, in seconds rather than the minutes the upserter would.
 */
export async function insertBulkCalls(db: Database, accountId: string, count: number): Promise<void> {
  const base = Date.parse('2024-01-01T00:00:00Z');
  const now = db.date(new Date());
  const columns = [
    'account_id',
    'id',
    'direction',
    'status',
    'started_at',
    'ended_at',
    'duration',
    'missed',
    'in_call_duration',
    'user_id',
    'payload',
    'last_event',
    'last_event_at',
    'state_version',
    'state_hash',
    'created_at',
    'updated_at',
  ];
  const perStatement = 1000;
  for (let start = 0; start < count; start += perStatement) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(count, start + perStatement); i++) {
      const startedAt = base + i * 120_000;
      rows.push([
        accountId,
        String(1_000_000_000 + i),
        i % 3 === 0 ? 'outbound' : 'inbound',
        'done',
        db.date(startedAt),
        db.date(startedAt + 60_000),
        60,
        i % 5 === 0 ? 1 : 0,
        40 + (i % 50),
        String(1000 + (i % 40)),
        '{}',
        'call.ended',
        now,
        1,
        'h',
        now,
        now,
      ]);
    }
    await db.upsert('calls', columns, rows, ['account_id', 'id'], []);
  }
}
