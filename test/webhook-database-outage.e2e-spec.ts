import { Database } from '../src/database/database';
import { aCall, envelope } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { databaseOutage, DatabaseOutage } from './support/database-outage';
import { startTestApp, TestApp } from './support/test-app';
import { seedAccount } from './support/seed';

const TOKEN = 'outage-test-webhook-token';

describeEachEngine('webhook ingestion while the database is down', (database) => {
  let t: TestApp;
  let db: Database;
  let outage: DatabaseOutage;

  const post = (body: unknown) =>
    fetch(`${t.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    outage = await databaseOutage(database().engine, database().url);
    t = await startTestApp(outage.url);
    db = t.get(Database);
    await seedAccount(db, { id: '501', name: 'Outage Co', webhookToken: TOKEN });
  });
  afterAll(async () => {
    await t?.close();
    await outage?.close();
  });

  it('answers 503 (never 200) while the database is down, and loses nothing once it is back', async () => {
    const calls = Array.from({ length: 30 }, () => aCall().build());
    const deliveries = calls.map((c) => envelope('call.created', c, c.started_at!, TOKEN));
    const before = deliveries.slice(0, 10);
    const during = deliveries.slice(10, 20);
    const after = deliveries.slice(20);

    for (const d of before) expect((await post(d)).status).toBe(200);

    await outage.begin();
    const refused = await Promise.all(during.map((d) => post(d)));
    expect(refused.map((r) => r.status)).toEqual(during.map(() => 503));
    expect(refused[0].headers.get('retry-after')).toBe('5');
    await outage.end();

    // Aircall retries what was refused; new deliveries keep coming.
    const deadline = Date.now() + 20_000;
    let pendingRetries = [...during, ...after];
    while (pendingRetries.length > 0 && Date.now() < deadline) {
      const statuses = await Promise.all(pendingRetries.map((d) => post(d).then((r) => r.status)));
      pendingRetries = pendingRetries.filter((_, i) => statuses[i] !== 200);
      if (pendingRetries.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(pendingRetries).toHaveLength(0);

    const ids = calls.map((c) => c.id);
    for (;;) {
      const rows = await db.query<{ id: unknown }>(`SELECT id FROM calls WHERE account_id = 501`);
      if (rows.length === ids.length || Date.now() > deadline) {
        expect(rows.map((r) => Number(r.id)).sort()).toEqual([...ids].sort());
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const [inbox] = await db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM webhook_events WHERE account_id = 501`,
    );
    expect(Number(inbox.n)).toBe(30);
  });
});
