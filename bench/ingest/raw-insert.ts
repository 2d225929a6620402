import { createPool } from 'mysql2/promise';
import { deliveryFingerprint, INBOX_COLUMNS } from '../../src/webhooks/webhook-inbox';
import { round } from '../support/stats';
import { WebhookDeliveries } from './webhook-deliveries';

// The same row shape the service's inbox writes.
const COLUMNS = INBOX_COLUMNS;

const sqlDate = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');

export interface RawInsertResult {
  rowsPerSecond: number;
  rows: number;
  rowsPerStatement: number;
  /** Best of the concurrency levels tried. */
  connections: number;
  byConnections: Record<string, number>;
}

/**
 * Baseline "raw insert": the database's own limit for this table — a bare mysql2 loop writing the
 * same deliveries into the same `webhook_events` table (production shape and indexes) with the same
 * multi-row statement the inbox uses, from several connections at once. Rows are prepared before the
 * clock starts: only the database's work is timed.
 */
export async function runRawInsert(
  databaseUrl: string,
  deliveries: WebhookDeliveries,
  accountOf: (token: string) => string,
  rowCount: number,
  rowsPerStatement = 500,
  concurrencies = [4, 8],
): Promise<RawInsertResult> {
  const byConnections: Record<string, number> = {};
  for (const connections of concurrencies) {
    const batches: unknown[][] = [];
    for (let i = 0; i < rowCount; i += rowsPerStatement) {
      const params: unknown[] = [];
      for (let j = i; j < Math.min(rowCount, i + rowsPerStatement); j++) {
        const env = JSON.parse(deliveries.next()) as {
          token: string;
          resource: string;
          event: string;
          timestamp: number;
          data: Record<string, unknown>;
        };
        const now = sqlDate(new Date());
        params.push(
          accountOf(env.token),
          deliveryFingerprint(env),
          env.resource,
          env.event,
          env.timestamp,
          env.data.id,
          JSON.stringify(env.data),
          'pending',
          0,
          now,
          now,
          null,
          null,
        );
      }
      batches.push(params);
    }
    const pool = createPool({ uri: databaseUrl, connectionLimit: connections, timezone: 'Z' });
    const statement = (rows: number) =>
      `INSERT INTO webhook_events (${COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${COLUMNS.map(() => '?').join(', ')})`).join(', ')}
       ON DUPLICATE KEY UPDATE account_id = account_id`;
    try {
      // Each level starts on an empty table, as every contender's round does.
      await pool.query('TRUNCATE TABLE webhook_events');
      const started = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (next < batches.length) {
            const params = batches[next++];
            await pool.query(statement(params.length / COLUMNS.length), params);
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      byConnections[String(connections)] = round(rowCount / seconds, 0);
    } finally {
      await pool.end();
    }
  }
  const [best, rowsPerSecond] = Object.entries(byConnections).sort((a, b) => b[1] - a[1])[0];
  return { rowsPerSecond, rows: rowCount, rowsPerStatement, connections: Number(best), byConnections };
}
