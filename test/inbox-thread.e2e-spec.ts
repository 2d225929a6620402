import { getPriority } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { Database } from '../src/database/database';
import { sampleValue } from '../src/metrics/exposition';
import { MetricsService } from '../src/metrics/metrics.service';
import { InboxProcessor } from '../src/webhooks/inbox-processor';
import { InboxThread } from '../src/webhooks/inbox-thread';
import { currentThreadId } from '../src/webhooks/thread-priority';
import { aCall, envelope } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';
import { seedAccount } from './support/seed';

const TOKEN = 'inbox-thread-webhook-token';
const APPLIED = 'aircall_webhook_events_applied_total';
/** A (re)started processor thread loads its modules first: seconds under ts-node. */
const SLOW = 20_000;

describeEachEngine('inbox processor placement', (database) => {
  let t: TestApp;
  let db: Database;
  let mainThreadBatches: jest.SpyInstance;
  let closed = false;

  const deliver = async () => {
    const call = aCall().build();
    const res = await fetch(`${t.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope('call.created', call, call.started_at!, TOKEN)),
    });
    expect(res.status).toBe(200);
    return call.id;
  };
  const applied = (callId: number) =>
    waitFor(
      () => db.query(`SELECT id FROM calls WHERE account_id = 301 AND id = ?`, [callId]),
      (rows) => rows.length === 1,
      SLOW,
    );

  beforeAll(async () => {
    t = await startTestApp(database().url);
    db = t.get(Database);
    await seedAccount(db, { id: '301', name: 'Thread Co', webhookToken: TOKEN });
    mainThreadBatches = jest.spyOn(t.get(InboxProcessor), 'processBatch');
  });
  afterAll(async () => {
    mainThreadBatches?.mockRestore();
    if (!closed) await t?.close();
  });

  it('applies deliveries in a worker thread on MySQL, in the main thread on SQLite, and counts them in /metrics', async () => {
    const mysql = database().engine === 'mysql';
    expect(t.get(InboxThread).running).toBe(mysql);
    const callId = await deliver();
    await applied(callId);
    if (mysql) expect(mainThreadBatches).not.toHaveBeenCalled();
    else expect(mainThreadBatches).toHaveBeenCalled();
    // The thread's counters reach the main thread's registry (forwarded every 200 ms).
    const metrics = t.get(MetricsService);
    await waitFor(
      () => metrics.value(APPLIED, { event: 'call.created' }),
      (n) => n >= 1,
    );
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(
      sampleValue(text, 'aircall_webhook_events_applied_total', { event: 'call.created' }),
    ).toBeGreaterThan(0);
  });

  it('restarts a processor thread that died, and it picks up where it stopped', async () => {
    if (database().engine !== 'mysql') return expect(t.get(InboxThread).running).toBe(false);
    const thread = t.get(InboxThread);
    // A crash of the thread, as an uncaught error would end it.
    const { worker } = thread as unknown as { worker: Worker };
    await worker.terminate();
    expect(thread.running).toBe(false);
    // Delivered while no thread runs: stored (200), applied once the new thread is up.
    const callId = await deliver();
    await waitFor(
      () => thread.running,
      (running) => running,
      SLOW,
    );
    await applied(callId);
    expect(await t.get(MetricsService).value('aircall_inbox_processor_thread_restarts_total')).toBe(1);
    expect(mainThreadBatches).not.toHaveBeenCalled();
  });

  it('lowers the priority of the processor thread only (INBOX_PROCESSOR_NICE, default 10)', async () => {
    const thread = t.get(InboxThread);
    if (database().engine !== 'mysql') return expect(thread.priority).toBeNull();
    const priority = await waitFor(
      () => thread.priority,
      (p) => p !== null,
      SLOW,
    );
    expect(priority!.nice).toBe(10);
    // The kernel agrees, for that thread; this process's other threads keep their priority.
    expect(getPriority(priority!.tid)).toBe(10);
    expect(priority!.tid).not.toBe(currentThreadId());
    expect(getPriority(currentThreadId()!)).toBe(getPriority(process.pid));
    expect(getPriority(process.pid)).toBeLessThan(10);
    // And it still applies.
    await applied(await deliver());
  });

  it('closes cleanly while the thread is still loading its modules', async () => {
    const booting = await startTestApp(database().url);
    const thread = booting.get(InboxThread);
    expect(thread.running).toBe(database().engine === 'mysql');
    await booting.close();
    expect(thread.running).toBe(false);
  });

  it('stops the thread on shutdown after its last batch, keeping the counts it made', async () => {
    const metrics = t.get(MetricsService);
    // Every count of the earlier tests has arrived (they are forwarded every 200 ms).
    const appliedRows = async () => {
      const [row] = await db.query<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM webhook_events WHERE account_id = 301 AND status = 'applied'`,
      );
      return Number(row.n);
    };
    const before = await appliedRows();
    await waitFor(
      () => metrics.value(APPLIED, { event: 'call.created' }),
      (n) => n === before,
    );
    const callId = await deliver();
    await applied(callId);
    const thread = t.get(InboxThread);
    await t.close();
    closed = true;
    expect(thread.running).toBe(false);
    // Counted although the app closed right after the row was applied (the last flush rides on 'stopped').
    expect(await metrics.value(APPLIED, { event: 'call.created' })).toBe(before + 1);
    const [row] = await (async () => {
      const again = await startTestApp(database().url, { INBOX_PROCESSOR: 'false' });
      try {
        return await again
          .get(Database)
          .query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM webhook_events WHERE status = 'pending'`);
      } finally {
        await again.close();
      }
    })();
    expect(Number(row.n)).toBe(0);
  });
});
