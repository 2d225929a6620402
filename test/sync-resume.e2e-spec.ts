import { Database } from '../src/database/database';
import { PAGES_PER_BATCH } from '../src/sync/call-window-fetcher';
import { SyncStopped } from '../src/sync/sync-control';
import { SyncService } from '../src/sync/sync.service';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { accountIdOf } from './support/accounts';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { seedLease } from './support/seed';

const DAY = 86_400;
const CALLS = 1_000;
/** 1,000 calls = 20 pages of 50, written 4 pages per transaction. */
const PAGES = 20;
const CONNECT = 'mutation ($a: String!, $t: String!) { connectAccount(apiId: $a, apiToken: $t) { id } }';

interface StoredRun {
  id: string;
  status: string;
  error: string | null;
  checkpoint: { phase: string; current: { pagesDone: number } | null; resumedBy?: string } | null;
  started_at: unknown;
  finished_at: unknown;
}

describeEachEngine('Batch sync: resuming and exclusivity', (database) => {
  const now = Math.floor(Date.now() / 1000);
  let simulator: AircallSimulator;
  const apps: TestApp[] = [];
  let companyIndex = 0;

  const env = (simulatorUrl: string, extra: Record<string, string> = {}) => ({
    AIRCALL_API_URL: simulatorUrl,
    AIRCALL_RATE_LIMIT: '60',
    AIRCALL_RATE_WINDOW_MS: '300',
    AIRCALL_RETRY_BASE_MS: '10',
    AIRCALL_MAX_ATTEMPTS: '2',
    BACKFILL_DAYS: '30',
    WEBHOOK_CHECK_CRON: 'off',
    ...extra,
  });
  const start = async (extra: Record<string, string> = {}) => {
    const app = await startTestApp(database().url, env(simulator.baseUrl, extra));
    apps.push(app);
    return app;
  };
  const stop = async (app: TestApp) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };

  beforeAll(async () => {
    simulator = await AircallSimulator.start({ rateLimit: 60, rateWindowMs: 300, companies: [] });
  });

  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
    await simulator?.close();
  });

  const newCompany = () =>
    simulator.addCompany({
      id: 8_200_001 + companyIndex++,
      callCount: CALLS,
      callsFrom: now - 20 * DAY,
      callsTo: now - 7_200,
    });
  const listRequests = (company: SimulatedCompany) =>
    simulator.requestLog.filter((r) => r.companyId === company.id && r.path === '/v1/calls').length;
  const storedRuns = async (db: Database, company: SimulatedCompany) =>
    (
      await db.query<StoredRun & { checkpoint: unknown }>(
        'SELECT CAST(id AS CHAR) AS id, status, error, checkpoint, started_at, finished_at FROM sync_runs WHERE account_id = ? ORDER BY created_at, id',
        [await accountIdOf(db, company)],
      )
    ).map((row) => ({
      ...row,
      id: String(row.id),
      checkpoint: db.parseJson<StoredRun['checkpoint']>(row.checkpoint),
    }));
  const callCount = async (db: Database, company: SimulatedCompany) => {
    const [row] = await db.query<{ n: unknown; d: unknown }>(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM calls WHERE account_id = ?',
      [await accountIdOf(db, company)],
    );
    return { rows: Number(row.n), distinct: Number(row.d) };
  };
  const waitFor = async (what: string, condition: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('a run failed by an Aircall outage is resumed by the next run from its checkpoint, without refetching written pages', async () => {
    const company = newCompany();
    const app = await start();
    const db = app.get(Database);
    const sync = app.get(SyncService);
    let batches = 0;
    sync.hooks.afterBatchWritten = () => {
      batches += 1;
      // Aircall goes down for this company after two batches: every call list answers 503.
      if (batches === 2)
        simulator.faults.add({
          kind: 'status',
          status: 503,
          count: 1_000,
          pathPrefix: '/v1/calls',
          companyId: company.id,
        });
    };
    await graphqlData(app.baseUrl, TEST_ADMIN_KEY, CONNECT, { a: company.apiId, t: company.apiToken });
    await sync.whenIdle();
    const [failed] = await storedRuns(db, company);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/503/);
    const pagesDone = failed.checkpoint!.current!.pagesDone;
    // Two batches at least (pages already fetched when Aircall went down may have been written too), not all.
    expect(pagesDone).toBeGreaterThanOrEqual(2 * PAGES_PER_BATCH);
    expect(pagesDone).toBeLessThan(PAGES);
    expect((await callCount(db, company)).rows).toBe(pagesDone * 50);

    simulator.faults.clear();
    sync.hooks.afterBatchWritten = undefined;
    const before = listRequests(company);
    // The next run (here a manual one over a quiet last hour) takes the failed run's remaining pages over.
    await sync.trigger(await accountIdOf(db, company), 'manual', {
      from: new Date((now - 3_600) * 1000),
      to: new Date(now * 1000),
    });
    await sync.whenIdle();
    const [first, resumed] = await storedRuns(db, company);
    expect(resumed.status).toBe('succeeded');
    expect(first.checkpoint!.resumedBy).toBe(resumed.id);
    // The failed window's pages after the last written one, and one page for the run's own (empty) window: nothing fetched twice.
    expect(listRequests(company) - before).toBe(PAGES - pagesDone + 1);
    expect(await callCount(db, company)).toEqual({ rows: CALLS, distinct: CALLS });
    await stop(app);
  });

  it('a run left running by an instance that died is taken over once its lease expires, from its checkpoint', async () => {
    const company = newCompany();
    const first = await start();
    const db = first.get(Database);
    const sync = first.get(SyncService);
    let batches = 0;
    sync.hooks.afterBatchWritten = () => {
      batches += 1;
      // The process "dies" here: the run stops without any bookkeeping.
      if (batches === 3) throw new SyncStopped('killed');
    };
    await graphqlData(first.baseUrl, TEST_ADMIN_KEY, CONNECT, { a: company.apiId, t: company.apiToken });
    await sync.whenIdle();
    const [left] = await storedRuns(db, company);
    expect(left.status).toBe('running');
    expect(left.checkpoint!.current!.pagesDone).toBe(3 * PAGES_PER_BATCH);
    // A dead process leaves its lease behind, still valid for a while: long enough for this instance
    // to stop and the next one to start, however slow the machine is at that moment.
    const leaseExpiresAt = Date.now() + 5_000;
    const accountId = await accountIdOf(db, company);
    await db.execute('DELETE FROM leases WHERE account_id = ?', [accountId]);
    await seedLease(db, {
      accountId,
      name: 'sync',
      holder: 'dead-instance',
      expiresAt: new Date(leaseExpiresAt),
    });
    await stop(first);

    const before = listRequests(company);
    const second = await start({ SYNC_LEASE_TTL_MS: '1000' });
    const db2 = second.get(Database);
    // Not before the dead instance's lease expired: looked at just before it does.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, leaseExpiresAt - 400 - Date.now())));
    expect(Date.now()).toBeLessThan(leaseExpiresAt);
    expect(listRequests(company)).toBe(before);
    // …then resumed to the end, from the page after its checkpoint in the same window.
    await waitFor(
      'the run to finish',
      async () => (await storedRuns(db2, company))[0].status === 'succeeded',
    );
    const runs = await storedRuns(db2, company);
    expect(runs).toHaveLength(1);
    expect(runs[0].id).toBe(left.id);
    expect(listRequests(company) - before).toBe(PAGES - 3 * PAGES_PER_BATCH);
    expect(await callCount(db2, company)).toEqual({ rows: CALLS, distinct: CALLS });
    await stop(second);
  });

  it('an instance stopped mid-backfill leaves the run to the next instance, which resumes it at once from its checkpoint', async () => {
    const company = newCompany();
    const first = await start();
    const sync = first.get(SyncService);
    let closing: Promise<void> | undefined;
    const written: Array<{ runId: string; pagesDone: number }> = [];
    sync.hooks.afterBatchWritten = (run) => {
      written.push({ runId: run.id, pagesDone: run.checkpoint?.current?.pagesDone ?? PAGES });
      // The service is stopped (SIGTERM) in the middle of the backfill.
      if (written.length === 2) closing = stop(first);
    };
    await graphqlData(first.baseUrl, TEST_ADMIN_KEY, CONNECT, { a: company.apiId, t: company.apiToken });
    await waitFor('the instance to stop', async () => closing !== undefined);
    await closing;
    const { runId, pagesDone } = written[written.length - 1];
    expect(pagesDone).toBeGreaterThanOrEqual(2 * PAGES_PER_BATCH);
    expect(pagesDone).toBeLessThan(PAGES);

    const before = listRequests(company);
    const second = await start();
    const db = second.get(Database);
    await waitFor(
      'the run to finish',
      async () => (await storedRuns(db, company))[0]?.status === 'succeeded',
    );
    // The same run, finished by the next instance with only the pages the first had not written.
    expect((await storedRuns(db, company)).map((run) => run.id)).toEqual([runId]);
    expect(listRequests(company) - before).toBe(PAGES - pagesDone);
    expect(await callCount(db, company)).toEqual({ rows: CALLS, distinct: CALLS });
    await stop(second);
  });

  it("two instances on one database never run one account's sync at the same time", async () => {
    const company = newCompany();
    const [a, b] = [await start(), await start()];
    const db = a.get(Database);
    const [syncA, syncB] = [a.get(SyncService), b.get(SyncService)];
    const batches: Array<{ instance: string; run: string; at: number }> = [];
    syncA.hooks.afterBatchWritten = (run) =>
      void batches.push({ instance: 'a', run: run.id, at: Date.now() });
    syncB.hooks.afterBatchWritten = (run) =>
      void batches.push({ instance: 'b', run: run.id, at: Date.now() });
    await graphqlData(a.baseUrl, TEST_ADMIN_KEY, CONNECT, { a: company.apiId, t: company.apiToken });
    // Both instances are asked to sync the account while the connect backfill runs.
    const accountId = await accountIdOf(db, company);
    await Promise.all([syncA.trigger(accountId, 'manual'), syncB.trigger(accountId, 'manual')]);
    await waitFor('every run to finish', async () =>
      (await storedRuns(db, company)).every((run) => run.status === 'succeeded' || run.status === 'failed'),
    );
    await Promise.all([syncA.whenIdle(), syncB.whenIdle()]);
    const runs = await storedRuns(db, company);
    expect(runs).toHaveLength(3);
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // One run at a time: each run's batches form one contiguous block, and the runs' lifetimes do not overlap.
    const order = batches.map((batch) => batch.run).filter((run, i, all) => i === 0 || all[i - 1] !== run);
    expect(new Set(order).size).toBe(order.length);
    const spans = runs
      .map((run) => ({
        from: db.parseDate(run.started_at)!.getTime(),
        to: db.parseDate(run.finished_at)!.getTime(),
      }))
      .sort((x, y) => x.from - y.from);
    for (let i = 1; i < spans.length; i += 1) expect(spans[i].from).toBeGreaterThanOrEqual(spans[i - 1].to);
    expect(await callCount(db, company)).toEqual({ rows: CALLS, distinct: CALLS });
    expect(simulator.stats.rateLimited).toBe(0);
    await stop(a);
    await stop(b);
  });
});
