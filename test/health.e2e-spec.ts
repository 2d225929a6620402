import { DataSource } from 'typeorm';
import { Database } from '../src/database/database';
import { sha256Hex } from '../src/crypto/hashing';
import { sampleValue as sample } from '../src/metrics/exposition';
import { aCall, envelope } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { seedAccount, seedInboxEvent, seedSyncRun } from './support/seed';

const TOKEN = 'health-suite-webhook-token-9f2c';
const SEALED_CREDENTIALS = 'v1.sealed-credentials-that-must-never-leave-the-database';

interface HealthBody {
  status: string;
  database: { reachable: boolean; engine: string; latencyMs: number | null; error: string | null };
  inbox: { pending: number; failed: number; oldestPendingAgeSeconds: number } | null;
  accounts: Array<{
    id: string;
    name: string | null;
    status: string;
    lastSyncedAt: string | null;
    lastSync: {
      kind: string;
      status: string;
      startedAt: string | null;
      finishedAt: string | null;
      error: string | null;
      progress: {
        done: number;
        expected: number | null;
        percent: number | null;
        estimatedFinishAt: string | null;
      };
    } | null;
    webhook: { registered: boolean; active: boolean | null; checkedAt: string | null };
  }> | null;
}

const ETA = '2031-01-01T00:00:00.000Z';

describeEachEngine('GET /health and GET /metrics', (database) => {
  let t: TestApp;
  let db: Database;
  let proxy: TcpProxy | null = null;

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, { headers });
  const health = async () => {
    const res = await get('/health');
    return { status: res.status, body: (await res.json()) as HealthBody, raw: res };
  };

  beforeAll(async () => {
    let url = database().url;
    if (database().engine === 'mysql') {
      const target = new URL(url);
      proxy = await TcpProxy.start(target.hostname, Number(target.port || 3306));
      const viaProxy = new URL(url);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      url = viaProxy.toString();
    }
    // The processor is off so inbox rows stay exactly as the test leaves them.
    t = await startTestApp(url, { INBOX_PROCESSOR: 'false', HEALTH_TIMEOUT_MS: '1500' });
    db = t.get(Database);
    const now = new Date();
    const at = (msAgo: number) => new Date(now.getTime() - msAgo);
    await seedAccount(db, {
      id: '601',
      name: 'Healthy Co',
      apiId: 'api-id-601',
      credentials: SEALED_CREDENTIALS,
      webhookId: 'wh-601',
      webhookToken: TOKEN,
      webhookActive: true,
      webhookCheckedAt: at(60_000),
      lastSyncedAt: at(120_000),
      createdAt: now,
    });
    await seedAccount(db, {
      id: '602',
      name: 'Stale Webhook Co',
      authType: 'oauth',
      status: 'needs_reauth',
      webhookId: 'wh-602',
      webhookToken: 'other-token',
      webhookActive: false,
      createdAt: now,
    });
    // Two runs of account 601: the newer one (larger id) is the one reported.
    const older = db.newId();
    const newer = db.newId();
    await seedSyncRun(db, {
      accountId: '601',
      id: older,
      callsFetched: 500,
      callsWritten: 500,
      startedAt: at(600_000),
      finishedAt: at(500_000),
      createdAt: at(600_000),
      updatedAt: at(500_000),
    });
    await seedSyncRun(db, {
      accountId: '601',
      id: newer,
      kind: 'incremental',
      status: 'running',
      callsFetched: 120,
      callsWritten: 80,
      callsListed: 120,
      callsExpected: 480,
      estimatedFinishAt: new Date(ETA),
      startedAt: at(30_000),
      createdAt: at(30_000),
      updatedAt: at(0),
    });
    // Inbox: two pending events (the oldest received an hour ago) and one parked as failed.
    for (const [id, status, receivedMsAgo] of [
      ['a'.repeat(32), 'pending', 3_600_000],
      ['b'.repeat(32), 'pending', 5_000],
      ['c'.repeat(32), 'failed', 7_200_000],
    ] as const)
      await seedInboxEvent(db, {
        accountId: '601',
        id,
        event: 'call.created',
        resourceId: null,
        status,
        receivedAt: at(receivedMsAgo),
      });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  it('answers 200 without an API key while the database is reachable, with the inbox backlog', async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.database).toMatchObject({ reachable: true, engine: database().engine, error: null });
    expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(body.inbox!.pending).toBe(2);
    expect(body.inbox!.failed).toBe(1);
    expect(body.inbox!.oldestPendingAgeSeconds).toBeGreaterThan(3590);
    expect(body.inbox!.oldestPendingAgeSeconds).toBeLessThan(3700);
    // A parked event and an account needing re-authorisation need attention, but the instance serves.
    expect(body.status).toBe('degraded');
  });

  it("reports each account's last sync run and webhook state", async () => {
    const { body } = await health();
    const healthy = body.accounts!.find((a) => a.id === '601')!;
    expect(healthy).toMatchObject({
      name: 'Healthy Co',
      status: 'active',
      webhook: { registered: true, active: true },
    });
    expect(healthy.lastSyncedAt).not.toBeNull();
    expect(healthy.lastSync).toMatchObject({ kind: 'incremental', status: 'running', finishedAt: null });
    // Progress of the running run: what it listed against what Aircall said its windows hold.
    expect(healthy.lastSync!.progress).toEqual({
      done: 120,
      expected: 480,
      percent: 25,
      estimatedFinishAt: ETA,
    });
    const stale = body.accounts!.find((a) => a.id === '602')!;
    expect(stale).toMatchObject({
      status: 'needs_reauth',
      lastSync: null,
      lastSyncedAt: null,
      webhook: { registered: true, active: false, checkedAt: null },
    });
  });

  it('never shows a secret: no credentials, token hash, api id or admin key', async () => {
    const text = await (await get('/health')).text();
    for (const secret of [SEALED_CREDENTIALS, sha256Hex(TOKEN), 'api-id-601', TEST_ADMIN_KEY, TOKEN])
      expect(text).not.toContain(secret);
  });

  it("echoes the caller's X-Request-Id, or gives the request a fresh one", async () => {
    expect((await get('/health', { 'x-request-id': 'lb-trace-42' })).headers.get('x-request-id')).toBe(
      'lb-trace-42',
    );
    const generated = (await get('/health')).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    // A header that could forge log fields is replaced, not echoed.
    const forged = (await get('/health', { 'x-request-id': 'x", "level": "error' })).headers.get(
      'x-request-id',
    );
    expect(forged).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus text without an API key: inbox gauges, database, Aircall totals and recorded counters', async () => {
    const call = aCall().build();
    expect(
      (
        await fetch(`${t.baseUrl}/aircall/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope('call.created', call, call.started_at!, TOKEN)),
        })
      ).status,
    ).toBe(200);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE aircall_inbox_pending gauge');
    expect(sample(text, 'aircall_database_up')).toBe(1);
    expect(sample(text, 'aircall_inbox_pending')).toBe(3);
    expect(sample(text, 'aircall_inbox_failed')).toBe(1);
    expect(sample(text, 'aircall_inbox_lag_seconds')).toBeGreaterThan(3590);
    expect(sample(text, 'aircall_sync_runs', { status: 'running' })).toBe(1);
    expect(sample(text, 'aircall_sync_running_calls_fetched')).toBe(120);
    expect(sample(text, 'aircall_sync_running_calls_written')).toBe(80);
    expect(sample(text, 'aircall_api_requests_total')).toBe(0);
    expect(sample(text, 'aircall_api_rate_limited_total')).toBe(0);
    expect(sample(text, 'aircall_webhook_deliveries_total', { outcome: 'stored' })).toBe(1);
    expect(sample(text, 'aircall_webhook_events_received_total', { event: 'call.created' })).toBe(1);
    expect(text).toMatch(/^http_requests_total\{.*route="\/health".*\} \d+$/m);
    expect(text).toMatch(/^aircall_webhook_ack_ms_bucket\{le="\+Inf"\} 1$/m);
    expect(text).not.toContain(TOKEN);
  });

  it('answers 503 with the database unreachable, and /metrics still answers with aircall_database_up 0', async () => {
    if (proxy) await proxy.down();
    else await t.get(DataSource).destroy();
    const started = Date.now();
    const { status, body } = await health();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'unavailable',
      database: { reachable: false, latencyMs: null },
      inbox: null,
      accounts: null,
    });
    expect(['unavailable', 'timeout']).toContain(body.database.error);

    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(sample(await metrics.text(), 'aircall_database_up')).toBe(0);

    if (proxy) {
      await proxy.up();
      const deadline = Date.now() + 10_000;
      let after = await health();
      while (after.status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        after = await health();
      }
      expect(after.status).toBe(200);
    }
  });
});
