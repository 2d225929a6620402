import 'reflect-metadata';
import type { Request, Response } from 'express';
import { createPool } from 'mysql2/promise';

/**
 * Baseline "naive": the design of Aircall's webhook tutorial — an Express app whose handler parses
 * the JSON body, checks the token and writes the call straight into a `calls` table with one upsert
 * per request before answering. Started as its own process by the ingestion benchmark
 * (env: DATABASE_URL, PORT, BENCH_TOKENS = comma-separated token:accountId pairs).
 */
// express is a dependency of @nestjs/platform-express; this baseline needs only its classic API.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');

const toDate = (unix: unknown) => (typeof unix === 'number' ? new Date(unix * 1000) : null);

async function main(): Promise<void> {
  const pool = createPool({
    uri: process.env.DATABASE_URL!,
    connectionLimit: 20,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const accounts = new Map(
    (process.env.BENCH_TOKENS ?? '').split(',').map((pair) => pair.split(':') as [string, string]),
  );
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/aircall/webhook', async (req: Request, res: Response) => {
    const body = req.body as {
      token?: string;
      event?: string;
      timestamp?: number;
      data?: Record<string, unknown>;
    };
    const accountId = accounts.get(String(body.token));
    if (!accountId || !body.data) {
      res.status(401).json({ error: 'unknown token' });
      return;
    }
    const call = body.data;
    const now = new Date();
    const value = (v: unknown): string | number | null =>
      typeof v === 'string' || typeof v === 'number' ? v : null;
    try {
      await pool.execute(
        `INSERT INTO calls (account_id, id, direction, status, missed_call_reason, started_at, answered_at, ended_at, duration,
           raw_digits, archived, user_id, number_id, payload, last_event, last_event_at, state_version, state_hash, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE status = VALUES(status), missed_call_reason = VALUES(missed_call_reason), answered_at = VALUES(answered_at),
           ended_at = VALUES(ended_at), duration = VALUES(duration), archived = VALUES(archived), user_id = VALUES(user_id),
           payload = VALUES(payload), last_event = VALUES(last_event), last_event_at = VALUES(last_event_at), updated_at = VALUES(updated_at)`,
        [
          accountId,
          value(call.id),
          value(call.direction),
          value(call.status),
          value(call.missed_call_reason),
          toDate(call.started_at),
          toDate(call.answered_at),
          toDate(call.ended_at),
          value(call.duration),
          value(call.raw_digits),
          call.archived ? 1 : 0,
          (call.user as { id?: number } | null)?.id ?? null,
          (call.number as { id?: number } | null)?.id ?? null,
          JSON.stringify(call),
          String(body.event),
          toDate(body.timestamp) ?? now,
          Number(body.timestamp ?? 0) * 16,
          '',
          now,
          now,
        ],
      );
      res.status(200).json({ status: 'stored' });
    } catch (error) {
      res.status(503).json({ error: String(error) });
    }
  });
  const server = app.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
}

void main();
