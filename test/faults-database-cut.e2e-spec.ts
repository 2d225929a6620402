import { Database } from '../src/database/database';
import { deliveryFingerprint } from '../src/webhooks/webhook-inbox';
import { answeredCallHistory, envelope, missedCallHistory } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { databaseOutage, DatabaseOutage } from './support/database-outage';
import { startTestApp, TestApp } from './support/test-app';
import { seedAccount } from './support/seed';

const ACCOUNT = '9301';
const TOKEN = 'faults-suite-webhook-token-3e8a';
const CONCURRENCY = 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachEngine('faults: the database cut under load', (database) => {
  let t: TestApp;
  let db: Database;
  let outage: DatabaseOutage;

  beforeAll(async () => {
    outage = await databaseOutage(database().engine, database().url);
    t = await startTestApp(outage.url, { HEALTH_TIMEOUT_MS: '500' });
    db = t.get(Database);
    await seedAccount(db, { id: ACCOUNT, name: 'Faults Co', webhookToken: TOKEN });
  });
  afterAll(async () => {
    await t?.close();
    await outage?.close();
  });

  it('answers 503 while the database is down and 200 only for stored events: every acknowledged event is there afterwards', async () => {
    const events = [
      ...Array.from({ length: 60 }, (_, i) => answeredCallHistory({ start: 1_717_300_000 + i * 500 })),
      ...Array.from({ length: 30 }, (_, i) => missedCallHistory({ start: 1_717_310_000 + i * 450 })),
    ].flat();
    const bodies = events.map((e) => envelope(e.event, e.data, e.timestamp, TOKEN));
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const acknowledged = new Set<string>();
    let downSince = 0;
    let outageDone: Promise<void> | null = null;
    const healthDuringOutage: number[] = [];

    // The load generator: every delivery is retried until acknowledged, as Aircall does.
    let next = 0;
    const worker = async () => {
      for (;;) {
        const index = next++;
        if (index >= bodies.length) return;
        for (let attempt = 0; ; attempt++) {
          const res = await fetch(`${t.baseUrl}/aircall/webhook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(bodies[index]),
          });
          await res.arrayBuffer();
          count(res.status);
          if (res.status === 200) {
            acknowledged.add(deliveryFingerprint(bodies[index]));
            break;
          }
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toBe('5');
          if (attempt > 500) throw new Error('a delivery was never acknowledged');
          await sleep(50);
        }
        // A third of the way in, the database goes away (on SQLite a locked write gives up after
        // busy_timeout, 50 ms, so every delivery during the outage is refused quickly).
        if (!outageDone && acknowledged.size >= bodies.length / 3) {
          outageDone = (async () => {
            await outage.begin();
            downSince = Date.now();
            await sleep(500);
            const health = await fetch(`${t.baseUrl}/health`);
            healthDuringOutage.push(health.status);
            await sleep(2500);
            await outage.end();
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await outageDone;

    expect(downSince).toBeGreaterThan(0);
    // MySQL: the server is gone, /health says so. SQLite: another process holds the write lock — the
    // file stays readable (WAL), so SELECT 1 answers and /health stays 200 while writes wait and fail.
    expect(healthDuringOutage).toEqual([database().engine === 'mysql' ? 503 : 200]);
    // Nothing but 200 and 503: never a 500, never a 200 for an event that could not be stored.
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    expect(statuses.get(503)).toBeGreaterThan(0);
    expect(acknowledged.size).toBe(new Set(bodies.map((b) => deliveryFingerprint(b))).size);

    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await db.query<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM webhook_events WHERE status = 'pending'`,
      );
      if (Number(row.n) === 0) break;
      if (Date.now() > deadline) throw new Error(`inbox still has ${row.n} pending events`);
      await sleep(200);
    }
    const rows = await db.query<{ id: string; status: string }>(
      `SELECT id, status FROM webhook_events WHERE account_id = ?`,
      [ACCOUNT],
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
    expect(rows.filter((r) => r.status !== 'applied')).toEqual([]);
    const [calls] = await db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM calls WHERE account_id = ?`, [
      ACCOUNT,
    ]);
    expect(Number(calls.n)).toBe(90);
    expect((await fetch(`${t.baseUrl}/health`)).status).toBe(200);
  });
});
