import request from 'supertest';
import { Database } from '../src/database/database';
import { aCall, envelope } from './support/aircall-builders';
import { seedAccount } from './support/seed';
import { createTestDatabase, TestDatabase, testEngines } from './support/databases';
import { graphql } from './support/graphql-client';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const TOKEN = 'silent-database-webhook-token-7c21';

/**
 * A MySQL server that stops answering without closing its connections (a hung host, a network that
 * drops packets): every request gets a fast, definite answer — 503 for a delivery within Aircall's
 * 5 s, a DATABASE_UNAVAILABLE error for GraphQL — instead of waiting on the driver's defaults, and the
 * service works again by itself once the server answers. SQLite has no network in between.
 */
describe('a database that stops answering', () => {
  if (!testEngines().includes('mysql')) {
    // Reported as skipped, not passed: without a server there is nothing to check.
    it.skip('needs DATABASE_URL=mysql://… (an embedded SQLite file cannot go silent)', () => undefined);
    return;
  }

  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: TestApp;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    const target = new URL(database.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 3306));
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    app = await startTestApp(viaProxy.toString(), {
      WEBHOOK_STORE_TIMEOUT_MS: '1000',
      READ_STATEMENT_TIMEOUT_MS: '1000',
      DATABASE_QUERY_TIMEOUT_MS: '2000',
      HEALTH_TIMEOUT_MS: '500',
      INBOX_PROCESSOR_THREAD: 'false',
    });
    db = app.get(Database);
    await seedAccount(db, { id: '9500', webhookToken: TOKEN });
  }, 60_000);
  afterAll(async () => {
    proxy?.speak();
    await app?.close();
    await proxy?.close();
    await database?.drop();
  });

  /** One delivery per call id, built once: a retry is the very same body. */
  const bodies = new Map<number, string>();
  const body = (id: number) => {
    const known = bodies.get(id);
    if (known) return known;
    const call = aCall({ id }).build();
    const text = JSON.stringify(envelope('call.created', call, call.started_at!, TOKEN));
    bodies.set(id, text);
    return text;
  };
  const post = async (text: string) => {
    const started = performance.now();
    const res = await fetch(`${app.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };

  it('answers a delivery 503 within the store timeout, GraphQL with DATABASE_UNAVAILABLE, /health unavailable', async () => {
    expect((await post(body(1))).status).toBe(200);
    proxy.silence();
    try {
      const delivery = await post(body(2));
      expect(delivery.status).toBe(503);
      // WEBHOOK_STORE_TIMEOUT_MS is 1 s; the driver alone would wait for TCP to give up (minutes).
      expect(delivery.ms).toBeLessThan(4000);

      const started = performance.now();
      const query = await graphql(
        app.baseUrl,
        TEST_ADMIN_KEY,
        '{ calls(first: 5) { edges { node { id } } } }',
      );
      expect(query.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      // READ_STATEMENT_TIMEOUT_MS (1 s) plus the client's margin (2 s), with room to spare.
      expect(performance.now() - started).toBeLessThan(8000);

      const health = await request(app.baseUrl).get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', database: { reachable: false } });
    } finally {
      proxy.speak();
    }
  }, 60_000);

  it('works again once the server answers, and a delivery it answered 503 is stored once when retried', async () => {
    const retried = body(2);
    const ok = await waitFor(
      () => post(retried),
      (res) => res.status === 200,
      20_000,
    );
    expect(ok.status).toBe(200);
    // Aircall retries the same delivery: whatever the silent server kept of the first attempt, it is one row.
    expect((await post(retried)).status).toBe(200);
    const [row] = await db.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM webhook_events WHERE account_id = ? AND resource_id = 2',
      ['9500'],
    );
    expect(Number(row.n)).toBe(1);
    const query = await graphql(app.baseUrl, TEST_ADMIN_KEY, '{ calls(first: 5) { totalCount } }');
    expect(query.errors).toBeUndefined();
  }, 60_000);
});
