import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { Database } from '../src/database/database';
import { createDataSource } from '../src/database/database-options';
import { deliveryFingerprint } from '../src/webhooks/webhook-inbox';
import { answeredCallHistory, envelope, missedCallHistory, TimedEvent } from './support/aircall-builders';
import { createTestDatabase, TestDatabase, testEngines } from './support/databases';
import { buildService, ServiceBuild, ServiceInstance, spawnInstance } from './support/spawn-instance';
import { accountSnapshot } from './support/table-snapshot';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { TEST_ADMIN_KEY } from './support/test-app';
import { seedAccount } from './support/seed';

/** Load accounts receive the deliveries concurrently, shuffled, across instances; each has a twin fed in order. */
const LOAD_ACCOUNTS = ['8101', '8102', '8103', '8104', '8105', '8106'];
const twinOf = (accountId: string) => String(Number(accountId) + 1000);
const tokenOf = (accountId: string) => `multi-instance-token-${accountId}`;
const ANSWERED_CALLS_PER_ACCOUNT = 40;
const MISSED_CALLS_PER_ACCOUNT = 20;
const CONCURRENCY = 48;
/** Receives the deliveries of the graceful-shutdown checks. */
const DRAIN_ACCOUNT = '8201';

interface Delivery {
  accountId: string;
  event: TimedEvent;
  body: string;
  fingerprint: string;
}

/** Every account's call histories (several thousand events in all), as Aircall would send them. */
function histories(): Map<string, TimedEvent[]> {
  const out = new Map<string, TimedEvent[]>();
  LOAD_ACCOUNTS.forEach((accountId, a) => {
    const events: TimedEvent[] = [];
    for (let i = 0; i < ANSWERED_CALLS_PER_ACCOUNT; i++)
      events.push(...answeredCallHistory({ start: 1_717_200_000 + a * 86_400 + i * 420 }));
    for (let i = 0; i < MISSED_CALLS_PER_ACCOUNT; i++)
      events.push(...missedCallHistory({ start: 1_717_210_000 + a * 86_400 + i * 380 }));
    out.set(accountId, events);
  });
  return out;
}

function delivery(accountId: string, event: TimedEvent): Delivery {
  const body = envelope(event.event, event.data, event.timestamp, tokenOf(accountId));
  return { accountId, event, body: JSON.stringify(body), fingerprint: deliveryFingerprint(body) };
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Aircall's side of the load: posts every delivery to the running instances (round robin), with
 * CONCURRENCY requests in flight, and retries whatever was not acknowledged (connection reset by a
 * killed instance, 503) on the next instance — as Aircall retries a failed delivery. Returns once
 * every delivery got its 200.
 */
async function deliverAll(
  deliveries: Delivery[],
  running: () => ServiceInstance[],
  onAcknowledged: (count: number) => void,
): Promise<{ acknowledged: number; refused: number }> {
  let next = 0;
  let acknowledged = 0;
  let refused = 0;
  let turn = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= deliveries.length) return;
      const d = deliveries[index];
      for (let attempt = 0; ; attempt++) {
        const targets = running();
        if (targets.length === 0) {
          await sleep(100);
          continue;
        }
        const target = targets[turn++ % targets.length];
        let status = 0;
        try {
          const res = await fetch(`${target.baseUrl}/aircall/webhook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: d.body,
            signal: AbortSignal.timeout(10_000),
          });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          status = 0;
        }
        if (status === 200) break;
        if (status !== 0 && status !== 503)
          throw new Error(`delivery answered ${status} (expected 200, or 503/reset while an instance dies)`);
        refused++;
        if (attempt > 200) throw new Error('a delivery was never acknowledged');
        await sleep(20 + Math.random() * 80);
      }
      onAcknowledged(++acknowledged);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { acknowledged, refused };
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Checks the exactly-once contract on the database after the load, against the twins fed in order. */
async function expectExactlyOnce(
  db: Database,
  deliveries: Delivery[],
  feedTwinsInOrder: () => Promise<void>,
): Promise<void> {
  const pending = async () => {
    const [row] = await db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM webhook_events WHERE status = 'pending'`,
    );
    return Number(row.n);
  };
  await waitFor('the inbox to drain', async () => (await pending()) === 0);

  // Every acknowledged delivery is in the inbox exactly once (the primary key makes "more than once"
  // impossible, so: exactly the expected fingerprints, no more, no fewer) and was applied.
  for (const accountId of LOAD_ACCOUNTS) {
    const expected = deliveries.filter((d) => d.accountId === accountId).map((d) => d.fingerprint);
    const rows = await db.query<{ id: string; status: string; attempts: unknown }>(
      `SELECT id, status, attempts FROM webhook_events WHERE account_id = ? ORDER BY id`,
      [accountId],
    );
    expect(rows.map((r) => r.id)).toEqual([...new Set(expected)].sort());
    expect(rows.filter((r) => r.status !== 'applied')).toEqual([]);
    // The attempt count is raised in the transaction that applies the event: 1 means its application
    // committed once — a batch claimed by the killed instance was rolled back, not applied twice.
    expect(rows.filter((r) => Number(r.attempts) !== 1)).toEqual([]);
  }

  await feedTwinsInOrder();
  await waitFor('the twins to be applied', async () => (await pending()) === 0);
  for (const accountId of LOAD_ACCOUNTS) {
    const [load, twin] = await Promise.all([
      accountSnapshot(db, accountId),
      accountSnapshot(db, twinOf(accountId)),
    ]);
    expect(load.calls).toHaveLength(ANSWERED_CALLS_PER_ACCOUNT + MISSED_CALLS_PER_ACCOUNT);
    expect(load).toEqual(twin);
  }
}

/** The twins get the same events, in timestamp order, one at a time, each acknowledged before the next. */
async function feedInOrder(instance: ServiceInstance, all: Map<string, TimedEvent[]>): Promise<void> {
  await Promise.all(
    LOAD_ACCOUNTS.map(async (accountId) => {
      const ordered = [...all.get(accountId)!].sort((a, b) => a.timestamp - b.timestamp);
      for (const e of ordered) {
        const res = await fetch(`${instance.baseUrl}/aircall/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope(e.event, e.data, e.timestamp, tokenOf(twinOf(accountId)))),
        });
        expect(res.status).toBe(200);
      }
    }),
  );
}

/** Shuffled deliveries of a few hundred events for the drain account. */
function drainDeliveries(): Delivery[] {
  const events: TimedEvent[] = [];
  for (let i = 0; i < 25; i++) events.push(...answeredCallHistory({ start: 1_718_000_000 + i * 400 }));
  for (let i = 0; i < 10; i++) events.push(...missedCallHistory({ start: 1_718_050_000 + i * 400 }));
  return shuffle(events.map((e) => delivery(DRAIN_ACCOUNT, e)));
}

/**
 * SIGTERM: the process drains — it exits 0 within its budget, holds no lease afterwards, and every
 * delivery it (or anyone) acknowledged is stored once and applied once.
 */
async function expectGracefulStop(
  db: Database,
  deliveries: Delivery[],
  stopped: ServiceInstance,
  signalledAt: number,
): Promise<void> {
  const exit = await stopped.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  expect(Date.now() - signalledAt).toBeLessThan(25_000);
  const held = await db.query(`SELECT name FROM leases WHERE holder LIKE ?`, [`%:${stopped.pid}:%`]);
  expect(held).toEqual([]);
  await waitFor('the drain account to be applied', async () => {
    const [row] = await db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM webhook_events WHERE account_id = ? AND status = 'pending'`,
      [DRAIN_ACCOUNT],
    );
    return Number(row.n) === 0;
  });
  const rows = await db.query<{ id: string; status: string; attempts: unknown }>(
    `SELECT id, status, attempts FROM webhook_events WHERE account_id = ? ORDER BY id`,
    [DRAIN_ACCOUNT],
  );
  expect(rows.map((r) => r.id)).toEqual([...new Set(deliveries.map((d) => d.fingerprint))].sort());
  expect(rows.filter((r) => r.status !== 'applied' || Number(r.attempts) !== 1)).toEqual([]);
}

async function insertAccounts(db: Database): Promise<void> {
  for (const accountId of [...LOAD_ACCOUNTS, ...LOAD_ACCOUNTS.map(twinOf), DRAIN_ACCOUNT])
    await seedAccount(db, { id: accountId, webhookToken: tokenOf(accountId) });
}

async function openDatabase(url: string): Promise<{ db: Database; dataSource: DataSource }> {
  const dataSource = createDataSource(url, { poolSize: 4 });
  await dataSource.initialize();
  return { db: new Database(dataSource), dataSource };
}

/** One request an instance made to the (simulated) Aircall API, seen by that instance's own proxy. */
interface TaggedRequest {
  instance: string;
  apiId: string | null;
  path: string;
  start: number;
  end: number;
}

/**
 * A pass-through HTTP proxy in front of the simulator, one per instance, so every Aircall request is
 * attributed to the instance that made it (the simulator itself cannot tell the processes apart).
 */
async function taggingProxy(
  targetUrl: string,
  instance: string,
  log: TaggedRequest[],
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const start = Date.now();
    const auth = req.headers.authorization ?? '';
    const apiId = auth.startsWith('Basic ')
      ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0]
      : null;
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      log.push({ instance, apiId, path: (req.url ?? '').split('?')[0], start, end: Date.now() });
    };
    res.on('finish', record);
    res.on('close', record);
    const upstream = httpRequest(
      new URL(req.url ?? '/', targetUrl),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Both variants share the build: one compile of the service per run of this file. */
let build: ServiceBuild;
beforeAll(async () => {
  build = await buildService();
}, 180_000);
afterAll(() => build?.remove());

describe('several instances on one MySQL/MariaDB database', () => {
  if (!testEngines().includes('mysql')) {
    // Reported as skipped, not passed: without a server there is nothing to check.
    it.skip('needs DATABASE_URL=mysql://…: SQLite has one writer, so its variant below runs a single instance', () =>
      undefined);
    return;
  }

  let database: TestDatabase;
  let dataSource: DataSource;
  let db: Database;
  let simulator: AircallSimulator;
  const instances: ServiceInstance[] = [];
  const proxies: Server[] = [];
  const aircallRequests: TaggedRequest[] = [];
  const env = {
    INBOX_BATCH_SIZE: '50',
    LOG_LEVEL: 'warn',
    // Aircall's pace scaled down (60 requests per 300 ms), and a short sync lease so a dead holder's expires quickly.
    AIRCALL_RATE_LIMIT: '60',
    AIRCALL_RATE_WINDOW_MS: '300',
    AIRCALL_RETRY_BASE_MS: '10',
    AIRCALL_MAX_ATTEMPTS: '3',
    BACKFILL_DAYS: '30',
    SYNC_LEASE_TTL_MS: '2000',
  };
  const spawnTagged = async (name: string) => {
    const proxy = await taggingProxy(simulator.baseUrl, name, aircallRequests);
    proxies.push(proxy.server);
    return spawnInstance(build, {
      name,
      databaseUrl: database.url,
      env: { ...env, AIRCALL_API_URL: proxy.url },
    });
  };

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    simulator = await AircallSimulator.start({
      rateLimit: 60,
      rateWindowMs: 300,
      latencyMs: 15,
      companies: [],
    });
    // The first instance applies the migrations; the others then start together.
    instances.push(await spawnTagged('a'));
    instances.push(...(await Promise.all(['b', 'c'].map(spawnTagged))));
    ({ db, dataSource } = await openDatabase(database.url));
    await insertAccounts(db);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop(5000)));
    for (const proxy of proxies) proxy.closeAllConnections();
    await Promise.all(proxies.map((proxy) => new Promise((resolve) => proxy.close(resolve))));
    await simulator?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('stores and applies every acknowledged delivery exactly once across three instances while one is SIGKILLed mid-load', async () => {
    const all = histories();
    const deliveries = shuffle(
      [...all].flatMap(([accountId, events]) => events.map((e) => delivery(accountId, e))),
    );
    expect(deliveries.length).toBeGreaterThan(3000);
    const victim = instances[1];
    let killedAt = -1;
    const result = await deliverAll(
      deliveries,
      () => instances.filter((i) => i.isRunning()),
      (acknowledged) => {
        if (killedAt < 0 && acknowledged >= deliveries.length * 0.4) {
          killedAt = acknowledged;
          victim.signal('SIGKILL');
        }
      },
    );
    expect(result.acknowledged).toBe(deliveries.length);
    expect(killedAt).toBeGreaterThan(0);
    expect((await victim.exited).signal).toBe('SIGKILL');

    const survivor = instances.find((i) => i.isRunning())!;
    await expectExactlyOnce(db, deliveries, () => feedInOrder(survivor, all));
  }, 600_000);

  it('SIGTERM mid-load drains an instance: in-flight deliveries answered, exit 0, no lease left, nothing acknowledged lost', async () => {
    const deliveries = drainDeliveries();
    const stopping = instances[2];
    expect(stopping.isRunning()).toBe(true);
    let signalledAt = 0;
    const result = await deliverAll(
      deliveries,
      () => instances.filter((i) => i.isRunning()),
      (acknowledged) => {
        if (signalledAt === 0 && acknowledged >= deliveries.length * 0.3) {
          signalledAt = Date.now();
          stopping.signal('SIGTERM');
        }
      },
    );
    expect(result.acknowledged).toBe(deliveries.length);
    await expectGracefulStop(db, deliveries, stopping, signalledAt);
  }, 300_000);

  it("never syncs one account on two instances at once, and a SIGKILLed holder's sync is taken over once its lease expires", async () => {
    // Two fresh instances join the one left running by the tests above.
    instances.push(...(await Promise.all(['d', 'e'].map(spawnTagged))));
    const running = instances.filter((i) => i.isRunning());
    expect(running).toHaveLength(3);
    const [holder, ...others] = running;
    const now = Math.floor(Date.now() / 1000);
    const companies: SimulatedCompany[] = [0, 1, 2].map((i) =>
      simulator.addCompany({
        id: 8_300_001 + i,
        callCount: 4_000,
        callsFrom: now - 20 * 86_400,
        callsTo: now - 3_600,
      }),
    );
    const gql = async (instance: ServiceInstance, query: string, variables: Record<string, unknown>) => {
      const res = await fetch(`${instance.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { errors?: unknown; data?: Record<string, { id: string }> };
      if (res.status !== 200 || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body)}`);
      return body.data ?? {};
    };
    // Connecting starts each account's backfill on `holder`; every other instance is asked to sync them too.
    const accountOf = new Map<SimulatedCompany, string>();
    for (const company of companies) {
      const data = await gql(
        holder,
        'mutation ($a: String!, $t: String!) { connectAccount(apiId: $a, apiToken: $t) { id } }',
        { a: company.apiId, t: company.apiToken },
      );
      accountOf.set(company, data.connectAccount.id);
    }
    const accountIds = companies.map((company) => accountOf.get(company));
    for (const instance of others) {
      for (const company of companies)
        await gql(instance, 'mutation ($id: ID!) { triggerSync(accountId: $id) { id } }', {
          id: accountOf.get(company),
        });
    }

    // Mid-backfill, the instance holding the accounts' sync leases dies.
    const callPages = (instance: string) =>
      aircallRequests.filter((r) => r.instance === instance && r.path === '/v1/calls').length;
    await waitFor('the backfill to be under way', async () => callPages(holder.name) >= 20, 60_000);
    const leases = await db.query<{ account_id: unknown; holder: string; expires_at: unknown }>(
      `SELECT account_id, holder, expires_at FROM leases WHERE name = 'sync' AND account_id IN (?, ?, ?)`,
      accountIds,
    );
    const held = leases.filter((l) => l.holder.includes(`:${holder.pid}:`));
    expect(held.length).toBeGreaterThan(0);
    const expiresAt = new Map(held.map((l) => [String(l.account_id), db.parseDate(l.expires_at)!.getTime()]));
    const killedAt = Date.now();
    holder.signal('SIGKILL');
    await holder.exited;

    await waitFor(
      'every sync run to succeed',
      async () => {
        const runs = await db.query<{ status: string }>(
          `SELECT status FROM sync_runs WHERE account_id IN (?, ?, ?)`,
          accountIds,
        );
        return runs.length >= companies.length * 3 && runs.every((r) => r.status === 'succeeded');
      },
      240_000,
    );

    for (const company of companies) {
      const [count] = await db.query<{ n: unknown; d: unknown }>(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM calls WHERE account_id = ?`,
        [accountOf.get(company)],
      );
      expect({ rows: Number(count.n), distinct: Number(count.d) }).toEqual({ rows: 4_000, distinct: 4_000 });
      // At no moment did two instances have a request for this account in flight together.
      const requests = aircallRequests
        .filter((r) => r.apiId === company.apiId)
        .sort((x, y) => x.start - y.start);
      const lastEnd = new Map<string, number>();
      for (const r of requests) {
        for (const [instance, end] of lastEnd)
          if (instance !== r.instance)
            expect({ instance: r.instance, overlapsWith: instance, by: Math.max(0, end - r.start) }).toEqual({
              instance: r.instance,
              overlapsWith: instance,
              by: 0,
            });
        lastEnd.set(r.instance, Math.max(lastEnd.get(r.instance) ?? 0, r.end));
      }
      // The dead holder's accounts were resumed by another instance only once its lease had expired.
      const expiry = expiresAt.get(String(accountOf.get(company)));
      if (expiry !== undefined) {
        const takeover = requests.find((r) => r.instance !== holder.name && r.start >= killedAt);
        expect(takeover).toBeDefined();
        expect(takeover!.start).toBeGreaterThanOrEqual(expiry);
      }
    }
    expect(simulator.stats.rateLimited).toBe(0);
  }, 600_000);
});

describe('one instance on SQLite (one writer): the same exactly-once check across a SIGKILL and a restart', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let db: Database;
  let instance: ServiceInstance | null = null;
  const env = { INBOX_BATCH_SIZE: '50', LOG_LEVEL: 'warn' };

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    instance = await spawnInstance(build, { name: 'solo', databaseUrl: database.url, env });
    ({ db, dataSource } = await openDatabase(database.url));
    await insertAccounts(db);
  }, 180_000);
  afterAll(async () => {
    await instance?.stop(5000);
    await dataSource?.destroy();
    await database?.drop();
  });

  it('loses and duplicates nothing when the only instance is SIGKILLed mid-load and started again', async () => {
    const all = histories();
    const deliveries = shuffle(
      [...all].flatMap(([accountId, events]) => events.map((e) => delivery(accountId, e))),
    );
    let restarted: Promise<void> | null = null;
    const result = await deliverAll(
      deliveries,
      () => (instance?.isRunning() ? [instance] : []),
      (acknowledged) => {
        if (restarted || acknowledged < deliveries.length * 0.4) return;
        const victim = instance!;
        victim.signal('SIGKILL');
        restarted = victim.exited.then(async () => {
          instance = await spawnInstance(build, { name: 'solo-restarted', databaseUrl: database.url, env });
        });
      },
    );
    await restarted;
    expect(restarted).not.toBeNull();
    expect(result.acknowledged).toBe(deliveries.length);
    await expectExactlyOnce(db, deliveries, () => feedInOrder(instance!, all));
  }, 600_000);

  it('SIGTERM mid-load drains the instance: exit 0, nothing acknowledged lost after the restart', async () => {
    const deliveries = drainDeliveries();
    let signalled: { at: number; instance: ServiceInstance } | null = null;
    let restarted: Promise<void> | null = null;
    const result = await deliverAll(
      deliveries,
      () => (instance?.isRunning() ? [instance] : []),
      (acknowledged) => {
        if (signalled || acknowledged < deliveries.length * 0.3) return;
        const stopping = instance!;
        signalled = { at: Date.now(), instance: stopping };
        stopping.signal('SIGTERM');
        restarted = stopping.exited.then(async () => {
          instance = await spawnInstance(build, {
            name: 'solo-after-sigterm',
            databaseUrl: database.url,
            env,
          });
        });
      },
    );
    await restarted;
    expect(result.acknowledged).toBe(deliveries.length);
    const { at, instance: stopped } = signalled!;
    await expectGracefulStop(db, deliveries, stopped, at);
  }, 300_000);
});
