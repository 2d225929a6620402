import { SchedulerRegistry } from '@nestjs/schedule';
import { AccountLifecycle } from '../src/accounts/account-events';
import { Database } from '../src/database/database';
import { SyncService } from '../src/sync/sync.service';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const DAY = 86_400;
const CONNECT = 'mutation ($a: String!, $t: String!) { connectAccount(apiId: $a, apiToken: $t) { id } }';
const TRIGGER = `mutation ($id: ID!, $from: DateTime, $to: DateTime) {
  triggerSync(accountId: $id, from: $from, to: $to) { id accountId kind status windowFrom windowTo } }`;
const RUNS = `query ($id: ID) { syncRuns(accountId: $id) { id kind status requestsMade callsFetched callsWritten
  callsExpected progress { done expected percent estimatedFinishAt } error } }`;

interface ProgressView {
  done: number;
  expected: number | null;
  percent: number | null;
  estimatedFinishAt: string | null;
}

interface RunView {
  id: string;
  kind: string;
  status: string;
  requestsMade: number;
  callsFetched: number;
  callsWritten: number;
  callsExpected: number | null;
  progress: ProgressView;
  error: string | null;
}

describeEachEngine('Batch sync', (database) => {
  const now = Math.floor(Date.now() / 1000);
  let simulator: AircallSimulator;
  let app: TestApp;
  let db: Database;
  let sync: SyncService;
  let big: SimulatedCompany;
  let small: SimulatedCompany;
  let other: SimulatedCompany;

  beforeAll(async () => {
    simulator = await AircallSimulator.start({
      rateLimit: 60,
      rateWindowMs: 300,
      companies: [
        { id: 8_100_001, name: 'Big', callCount: 25_000, callsFrom: now - 20 * DAY, callsTo: now - 3_600 },
        { id: 8_100_002, name: 'Small', callCount: 400, callsFrom: now - 10 * DAY, callsTo: now - 7_200 },
        { id: 8_100_003, name: 'Other', callCount: 300, callsFrom: now - 10 * DAY, callsTo: now - 7_200 },
      ],
    });
    [big, small, other] = simulator.companies;
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_LIMIT: '60',
      AIRCALL_RATE_WINDOW_MS: '300',
      AIRCALL_RETRY_BASE_MS: '20',
      AIRCALL_MAX_ATTEMPTS: '2',
      BACKFILL_DAYS: '30',
      SYNC_RECONCILE_DAYS: '3',
      WEBHOOK_CHECK_CRON: 'off',
    });
    db = app.get(Database);
    sync = app.get(SyncService);
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.close();
  });

  /** Account ids by company: the service gives accounts ids of its own. */
  const accounts = new Map<SimulatedCompany, string>();
  const idOf = (company: SimulatedCompany) => {
    const id = accounts.get(company);
    if (!id) throw new Error(`company ${company.id} is not connected`);
    return id;
  };
  const connect = async (company: SimulatedCompany) => {
    const { connectAccount } = await graphqlData<{ connectAccount: { id: string } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CONNECT,
      { a: company.apiId, t: company.apiToken },
    );
    accounts.set(company, connectAccount.id);
    await sync.whenIdle();
  };
  const callCount = async (company: SimulatedCompany) => {
    const [row] = await db.query<{ n: unknown; d: unknown }>(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM calls WHERE account_id = ?',
      [idOf(company)],
    );
    return { rows: Number(row.n), distinct: Number(row.d) };
  };
  const runs = async (company: SimulatedCompany) =>
    (
      await graphqlData<{ syncRuns: RunView[] }>(app.baseUrl, TEST_ADMIN_KEY, RUNS, {
        id: idOf(company),
      })
    ).syncRuns;
  const listRequests = (company: SimulatedCompany) =>
    simulator.requestLog.filter((r) => r.companyId === company.id && r.path === '/v1/calls').length;
  const trigger = async (company: SimulatedCompany, from?: Date, to?: Date) => {
    const { triggerSync } = await graphqlData<{ triggerSync: { id: string; status: string } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      TRIGGER,
      {
        id: idOf(company),
        from: from?.toISOString(),
        to: to?.toISOString(),
      },
    );
    await sync.whenIdle();
    return triggerSync;
  };

  it('backfills 25,000 calls on connect: every call exactly once, windows under the 10,000 cap, no 429', async () => {
    simulator.resetStats();
    // Progress as a person watching the run sees it: read while the backfill goes on.
    const samples: (ProgressView & { status: string; at: number })[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        if (accounts.has(big)) {
          const backfill = (await runs(big)).find((r) => r.kind === 'backfill');
          if (backfill) samples.push({ ...backfill.progress, status: backfill.status, at: Date.now() });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await connect(big);
    watching = false;
    await watcher;
    expect(await callCount(big)).toEqual({ rows: 25_000, distinct: 25_000 });
    const [bounds] = await db.query<{ lo: unknown; hi: unknown }>(
      'SELECT CAST(MIN(id) AS CHAR) AS lo, CAST(MAX(id) AS CHAR) AS hi FROM calls WHERE account_id = ?',
      [idOf(big)],
    );
    expect([String(bounds.lo), String(bounds.hi)]).toEqual([
      String(big.calls.idOf(0)),
      String(big.calls.idOf(24_999)),
    ]);
    expect(simulator.stats.rateLimited).toBe(0);
    // No request reached past the 10,000th record (the simulator answers those with 400).
    expect(simulator.requestLog.filter((r) => r.status === 400)).toEqual([]);
    const [run] = await runs(big);
    expect(run).toMatchObject({
      kind: 'backfill',
      status: 'succeeded',
      callsFetched: expect.any(Number),
      error: null,
    });
    expect(run.callsWritten).toBeGreaterThanOrEqual(25_000);
    // Counted once each, although the first window's probe page was dropped for the split.
    expect(run.callsFetched).toBe(25_000);
    expect(run.callsExpected).toBe(25_000);
    expect(run.progress).toEqual({ done: 25_000, expected: 25_000, percent: 100, estimatedFinishAt: null });
    const running = samples.filter((p) => p.status === 'running' && p.expected !== null);
    expect(running.length).toBeGreaterThan(0);
    for (const [i, p] of running.entries()) {
      // The split's estimates add up to Aircall's total; each slice's own total keeps the sum.
      expect(p.expected).toBe(25_000);
      expect(p.percent).toBe(Math.floor((p.done / 25_000) * 1000) / 10);
      // While windows are left the run has an estimate; past them (the re-reads, done = expected) it
      // has none by design (SyncRunExecutor.advance), and a sample may land in that phase.
      if (p.done < 25_000) expect(p.estimatedFinishAt).not.toBeNull();
      if (i > 0) expect(p.done).toBeGreaterThanOrEqual(running[i - 1].done);
    }
    // 500 pages of 50, plus a probe per split window and the four reference lists: close to the minimum.
    expect(listRequests(big)).toBeGreaterThanOrEqual(500);
    expect(listRequests(big)).toBeLessThanOrEqual(510);
    const [account] = await db.query<{ sync_cursor: unknown; last_synced_at: unknown }>(
      'SELECT sync_cursor, last_synced_at FROM accounts WHERE id = ?',
      [idOf(big)],
    );
    expect(db.parseDate(account.sync_cursor)!.getTime()).toBeGreaterThan((now - 60) * 1000);
    expect(account.last_synced_at).not.toBeNull();
    // The upserter writes ~300 calls/s on a shared MariaDB (≈1,000/s on SQLite): the bound here is the database.
  }, 300_000);

  it('syncs users, teams with their members, numbers and tags before the calls', async () => {
    await connect(small);
    const count = async (table: string) =>
      Number(
        (
          await db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ?`, [
            idOf(small),
          ])
        )[0].n,
      );
    expect(await count('users')).toBe(small.directory.users.length);
    expect(await count('teams')).toBe(small.directory.teams.length);
    expect(await count('numbers')).toBe(small.directory.numbers.length);
    expect(await count('tags')).toBe(small.directory.tags.length);
    const members = small.directory.teams.reduce((sum, team) => sum + (team.users?.length ?? 0), 0);
    expect(await count('team_users')).toBe(members);
    expect(await callCount(small)).toEqual({ rows: 400, distinct: 400 });
  });

  it('incremental sync picks up a tag added to an old call within the reconcile window, and advances the cursor', async () => {
    const index =
      small.calls.list({ from: now - 2 * DAY, order: 'asc', offset: 0, limit: 1 }).calls[0].id -
      small.calls.idOf(0);
    const callId = small.calls.idOf(index);
    const tag = small.directory.tags[0];
    small.tag(callId, tag.id);
    const [before] = await db.query<{ sync_cursor: unknown }>(
      'SELECT sync_cursor FROM accounts WHERE id = ?',
      [idOf(small)],
    );
    await sync.trigger(idOf(small), 'incremental');
    await sync.whenIdle();
    const tags = await db.query<{ tag_id: unknown }>(
      'SELECT tag_id FROM call_tags WHERE account_id = ? AND call_id = ?',
      [idOf(small), callId],
    );
    expect(tags.map((row) => String(row.tag_id))).toContain(String(tag.id));
    const [latest] = await runs(small);
    expect(latest).toMatchObject({ kind: 'incremental', status: 'succeeded' });
    const [after] = await db.query<{ sync_cursor: unknown }>(
      'SELECT sync_cursor FROM accounts WHERE id = ?',
      [idOf(small)],
    );
    expect(db.parseDate(after.sync_cursor)!.getTime()).toBeGreaterThanOrEqual(
      db.parseDate(before.sync_cursor)!.getTime(),
    );
  });

  it('re-reads a call still not done an hour after it started, with GET /v1/calls/:id', async () => {
    const callId = small.calls.idOf(399);
    small.calls.update(callId, (call) => {
      call.status = 'answered';
      call.ended_at = null;
    });
    // API reads are versioned by Aircall's Date header (whole seconds): let the previous test's read age.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // A window holding the call stores it unfinished…
    const startedAt = small.calls.get(callId)!.started_at!;
    await trigger(small, new Date((startedAt - 60) * 1000), new Date((startedAt + 60) * 1000));
    const status = async () =>
      (
        await db.query<{ status: string }>('SELECT status FROM calls WHERE account_id = ? AND id = ?', [
          idOf(small),
          callId,
        ])
      )[0].status;
    expect(await status()).toBe('answered');
    // …then Aircall finishes it; a sync whose window does not hold it still reads it again by id.
    small.end(callId, startedAt + 300);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    simulator.resetStats();
    await trigger(small, new Date((now - 30 * DAY) * 1000), new Date((now - 25 * DAY) * 1000));
    expect(simulator.requestLog.filter((r) => r.path === `/v1/calls/${callId}`)).toHaveLength(1);
    expect(await status()).toBe('done');
  });

  it('a 401 stops only that account: it needs re-authorisation, the other account still syncs', async () => {
    await connect(other);
    simulator.revokeCredentials(small.id);
    const [refused, accepted] = await Promise.all([trigger(small), trigger(other)]);
    await sync.whenIdle();
    const [smallRun] = await runs(small);
    expect(smallRun.id).toBe(refused.id);
    expect(smallRun.status).toBe('failed');
    expect(smallRun.error).toMatch(/refused the credentials \(HTTP 401\)/);
    const [account] = await db.query<{ status: string }>('SELECT status FROM accounts WHERE id = ?', [
      idOf(small),
    ]);
    expect(account.status).toBe('needs_reauth');
    const [otherRun] = await runs(other);
    expect(otherRun).toMatchObject({ id: accepted.id, status: 'succeeded' });
    expect(await callCount(other)).toEqual({ rows: 300, distinct: 300 });
  });

  it('the scheduled tick queues an incremental sync of every active account, not of one needing re-authorisation', async () => {
    const before = (await runs(small)).length;
    await sync.syncActiveAccounts();
    await sync.whenIdle();
    expect(await runs(small)).toHaveLength(before);
    for (const company of [big, other]) {
      const [latest] = await runs(company);
      expect(latest).toMatchObject({ kind: 'incremental', status: 'succeeded' });
    }
    // SYNC_CRON=off: no cron job registered.
    expect(app.get(SchedulerRegistry).doesExist('cron', 'sync')).toBe(false);
  }, 300_000);

  it('a repaired webhook starts a repair sync from five minutes before the gap', async () => {
    const gapFrom = new Date((now - 2 * DAY) * 1000);
    app.get(AccountLifecycle).emit('webhookRepaired', idOf(other), gapFrom);
    await sync.whenIdle();
    const [row] = await db.query<{ kind: string; status: string; window_from: unknown }>(
      'SELECT kind, status, window_from FROM sync_runs WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
      [idOf(other)],
    );
    expect(row).toMatchObject({ kind: 'repair', status: 'succeeded' });
    expect(db.parseDate(row.window_from)!.getTime()).toBe(gapFrom.getTime() - 5 * 60_000);
  });

  it('refuses a window that ends before it starts', async () => {
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, TRIGGER, {
      id: idOf(other),
      from: new Date(now * 1000).toISOString(),
      to: new Date((now - DAY) * 1000).toISOString(),
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
