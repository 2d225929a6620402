import request from 'supertest';
import { Database } from '../src/database/database';
import { SyncService } from '../src/sync/sync.service';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { accountIdOf } from './support/accounts';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { seedSyncRun } from './support/seed';

const DAY = 86_400;
const CONNECT = 'mutation ($a: String!, $t: String!) { connectAccount(apiId: $a, apiToken: $t) { id } }';
const TRIGGER = `mutation ($id: ID!, $from: DateTime, $to: DateTime) {
  triggerSync(accountId: $id, from: $from, to: $to) { id status } }`;

interface RunRow {
  id: string;
  status: string;
  error: string | null;
  checkpoint: unknown;
}

/**
 * A sync that fails for a reason retrying cannot fix stays one failed run: it is never resumed, the
 * account's next runs start from its cursor, /health says so, and /metrics counts it.
 */
describeEachEngine('Sync failures that retrying cannot fix', (database) => {
  const now = Math.floor(Date.now() / 1000);
  let simulator: AircallSimulator;
  let app: TestApp;
  let db: Database;
  let sync: SyncService;
  let company: SimulatedCompany;
  let accountId: string;

  beforeAll(async () => {
    simulator = await AircallSimulator.start({
      companies: [
        { id: 8_300_001, name: 'Typo Ltd', callCount: 120, callsFrom: now - 5 * DAY, callsTo: now - 600 },
      ],
    });
    company = simulator.company(0);
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RETRY_BASE_MS: '20',
      AIRCALL_MAX_ATTEMPTS: '2',
      BACKFILL_DAYS: '10',
      WEBHOOK_CHECK_CRON: 'off',
    });
    db = app.get(Database);
    sync = app.get(SyncService);
    await graphqlData(app.baseUrl, TEST_ADMIN_KEY, CONNECT, { a: company.apiId, t: company.apiToken });
    await sync.whenIdle();
    accountId = await accountIdOf(db, company);
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.close();
  });

  const runs = async (): Promise<RunRow[]> =>
    (
      await db.query<RunRow>(
        'SELECT CAST(id AS CHAR) AS id, status, error, checkpoint FROM sync_runs WHERE account_id = ? ORDER BY id DESC',
        [accountId],
      )
    ).map((r) => ({ ...r, id: String(r.id), checkpoint: db.parseJson(r.checkpoint) }));
  const health = async () => (await request(app.baseUrl).get('/health')).body as { status: string };

  it('refuses a window that is no date, or ends in the future, before queueing anything', async () => {
    const before = (await runs()).length;
    for (const [variables, field] of [
      [{ from: 'yesterday' }, 'from'],
      [{ to: 'not-a-date' }, 'to'],
      [{ from: '2026-13-45T00:00:00Z' }, 'from'],
      [{ to: new Date((now + 3 * DAY) * 1000).toISOString() }, 'to'],
    ] as const) {
      const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, TRIGGER, { id: accountId, ...variables });
      expect([variables, res.errors?.[0]?.extensions]).toEqual([
        variables,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
      ]);
    }
    expect(await runs()).toHaveLength(before);
  });

  it('closes a run Aircall refuses (400) as failed with its troubleshoot text, and the next run starts from the cursor', async () => {
    expect((await health()).status).toBe('ok');
    simulator.faults.add({
      kind: 'refuse',
      status: 400,
      error: 'Invalid parameter',
      troubleshoot: 'from must be a UNIX timestamp',
      pathPrefix: '/v1/calls',
      companyId: company.id,
      count: 5,
    });
    const refused = await graphqlData<{ triggerSync: { id: string } }>(app.baseUrl, TEST_ADMIN_KEY, TRIGGER, {
      id: accountId,
    });
    await sync.whenIdle();
    const [failed] = await runs();
    expect(failed).toMatchObject({ id: refused.triggerSync.id, status: 'failed' });
    expect(failed.error).toMatch(/answered 400 \(Invalid parameter\)/);
    expect(failed.error).toContain('from must be a UNIX timestamp');
    expect(failed.checkpoint).toMatchObject({ resumable: false });
    // Retrying would get the same answer: the request was made once, not AIRCALL_MAX_ATTEMPTS times.
    expect(simulator.faults.pending).toBe(4);
    expect((await health()).status).toBe('degraded');
    const metrics = (await request(app.baseUrl).get('/metrics')).text;
    expect(metrics).toMatch(/aircall_sync_runs_finished_total\{outcome="refused"\} 1/);

    simulator.faults.clear();
    await graphqlData(app.baseUrl, TEST_ADMIN_KEY, TRIGGER, { id: accountId });
    await sync.whenIdle();
    const [next] = await runs();
    expect(next).toMatchObject({ status: 'succeeded', error: null });
    // It did not take the refused run's windows over.
    expect((next.checkpoint as { resumed?: string[] }).resumed).toBeUndefined();
    expect((await health()).status).toBe('ok');
  });

  it('closes, at start, runs an earlier version queued with a window that is no date', async () => {
    const poisoned = JSON.stringify({ phase: 'calls', pending: [{ from: null, to: now }], current: null });
    await seedSyncRun(db, {
      accountId,
      id: db.newId(),
      kind: 'manual',
      windowTo: new Date(),
      status: 'failed',
      requestsMade: 1,
      checkpoint: poisoned,
      error: 'AircallRequestError: answered 400',
    });
    await seedSyncRun(db, {
      accountId,
      id: db.newId(),
      kind: 'manual',
      status: 'queued',
      checkpoint: poisoned,
    });
    expect(await sync.repairInvalidRuns()).toBe(2);
    const [queued, failed] = await runs();
    expect(queued).toMatchObject({
      status: 'failed',
      checkpoint: expect.objectContaining({ resumable: false }),
    });
    expect(queued.error).toMatch(/^closed at start: it has no valid window/);
    expect(failed).toMatchObject({
      status: 'failed',
      checkpoint: expect.objectContaining({ resumable: false }),
    });

    await graphqlData(app.baseUrl, TEST_ADMIN_KEY, TRIGGER, { id: accountId });
    await sync.whenIdle();
    const [latest] = await runs();
    expect(latest).toMatchObject({ status: 'succeeded', error: null });
    expect(await sync.repairInvalidRuns()).toBe(0);
  });
});
