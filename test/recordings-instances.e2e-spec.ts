import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Database } from '../src/database/database';
import { createDataSource } from '../src/database/database-options';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { connectCompany } from './support/accounts';
import { createTestDatabase, EngineName, TestDatabase, testEngines } from './support/databases';
import { buildService, ServiceBuild, ServiceInstance, spawnInstance } from './support/spawn-instance';
import { waitFor } from './support/wait-for';

const DAY = 86_400;
const BYTES = 120_000;

const until = (probe: () => Promise<unknown>, timeoutMs = 60_000) => waitFor(probe, Boolean, timeoutMs);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let build: ServiceBuild;
beforeAll(async () => {
  build = await buildService();
}, 180_000);
afterAll(() => build?.remove());

interface Setup {
  simulator: AircallSimulator;
  company: SimulatedCompany;
  database: TestDatabase;
  dataSource: DataSource;
  db: Database;
  dir: string;
  instances: ServiceInstance[];
  start(name: string): Promise<ServiceInstance>;
  accountId: string;
}

/** A simulator company, a database, a shared archive folder, and service processes archiving into it. */
async function setUp(engine: EngineName, callCount: number): Promise<Setup> {
  const now = Math.floor(Date.now() / 1000);
  const simulator = await AircallSimulator.start({
    rateLimit: 600,
    rateWindowMs: 1000,
    mediaBytes: BYTES,
    companies: [{ id: 8_300_020, callCount, callsFrom: now - 3 * DAY, callsTo: now - 3_600 }],
  });
  const database = await createTestDatabase(engine);
  const dir = mkdtempSync(join(tmpdir(), 'aircall-recordings-instances-'));
  const setup: Setup = {
    simulator,
    company: simulator.companies[0],
    database,
    dataSource: createDataSource(database.url),
    db: null as unknown as Database,
    dir,
    instances: [],
    accountId: '',
    start: async (name) => {
      const instance = await spawnInstance(build, {
        name,
        databaseUrl: database.url,
        env: {
          AIRCALL_API_URL: simulator.baseUrl,
          AIRCALL_RATE_LIMIT: '600',
          AIRCALL_RATE_WINDOW_MS: '1000',
          BACKFILL_DAYS: '7',
          RECORDINGS: 'archive',
          RECORDINGS_DIR: dir,
          RECORDINGS_ALLOWED_HOSTS: new URL(simulator.baseUrl).host,
          RECORDINGS_POLL_MS: '50',
          RECORDINGS_CONCURRENCY: '3',
          RECORDINGS_CLAIM_TTL_MS: '1500',
          RECORDINGS_RETRY_BASE_MS: '50',
        },
      });
      setup.instances.push(instance);
      return instance;
    },
  };
  return setup;
}

async function connect(setup: Setup, via: ServiceInstance): Promise<void> {
  setup.accountId = await connectCompany(via.baseUrl, setup.company);
  await setup.dataSource.initialize();
  setup.db = new Database(setup.dataSource);
}

async function tearDown(setup: Setup | undefined): Promise<void> {
  if (!setup) return;
  setup.simulator.faults.releaseStalls();
  await Promise.all(setup.instances.map((instance) => instance.stop(5_000)));
  if (setup.dataSource.isInitialized) await setup.dataSource.destroy();
  await setup.simulator.close();
  await setup.database.drop();
  rmSync(setup.dir, { recursive: true, force: true });
}

const statusOf = async (setup: Setup, callId: number) =>
  (
    await setup.db.query<{
      status: string;
      claimed_by: string | null;
      storage_key: string | null;
      sha256: string | null;
    }>(
      `SELECT status, claimed_by, storage_key, sha256 FROM call_media WHERE account_id = ? AND call_id = ? AND kind = 'recording'`,
      [setup.accountId, callId],
    )
  )[0];

const openRows = async (setup: Setup) =>
  Number(
    (
      await setup.db.query<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM call_media WHERE account_id = ? AND status IN ('pending', 'checking')`,
        [setup.accountId],
      )
    )[0].n,
  );

/**
 * A download whose instance is SIGKILLed halfway: its claim lapses (RECORDINGS_CLAIM_TTL_MS), the
 * next instance downloads the file again from the start, and what is archived is the whole file.
 */
async function killMidDownload(setup: Setup, restart: () => Promise<ServiceInstance>): Promise<void> {
  const { simulator, company } = setup;
  const now = Math.floor(Date.now() / 1000);
  const call = company.addCall({ started_at: now - 200, recording: null, voicemail: null });
  simulator.faults.add({
    kind: 'stall',
    afterBytes: BYTES / 3,
    pathPrefix: `/media/${company.id}/${call.id}/`,
  });
  await simulator.generateCommAssets(company.id, call.id, { kinds: ['recording'] });
  await until(async () => simulator.faults.stalls > 0);
  const claimed = String(await until(async () => (await statusOf(setup, call.id))?.claimed_by));
  const holder = setup.instances.find((instance) => claimed.includes(`:${instance.pid}:`))!;
  expect(holder).toBeDefined();
  holder.signal('SIGKILL');
  await holder.exited;
  await restart();
  await until(async () => (await statusOf(setup, call.id))?.status === 'archived');
  const row = await statusOf(setup, call.id);
  const file = readFileSync(join(setup.dir, row.storage_key!));
  expect(file.length).toBe(BYTES);
  expect(sha256(file)).toBe(row.sha256);
  expect(simulator.mediaFileStats(company.id, call.id).started).toBe(2);
  expect(simulator.mediaFileStats(company.id, call.id).completed).toBe(1);
}

describe('recordings archived by several instances on one MySQL/MariaDB database', () => {
  if (!testEngines().includes('mysql')) {
    // Reported as skipped, not passed: without a server there is nothing to check.
    it.skip('needs DATABASE_URL=mysql://…: SQLite has one writer, so its variant below runs a single instance', () =>
      undefined);
    return;
  }
  let setup: Setup | undefined;

  beforeAll(async () => {
    setup = await setUp('mysql', 40);
    // Slow files, so both instances' downloads overlap in time.
    setup.simulator.faults.add({ kind: 'throttle', bytesPerSecond: 600_000, scope: 'media', count: 1_000 });
    const first = await setup.start('recordings-a');
    await setup.start('recordings-b');
    await connect(setup, first);
  }, 120_000);

  afterAll(() => tearDown(setup), 60_000);

  it('downloads every file exactly once between them', async () => {
    const s = setup!;
    // Which instances hold claims while the archive fills: both must take part.
    const holders = new Set<string>();
    await until(async () => {
      const claims = await s.db.query<{ claimed_by: string }>(
        'SELECT claimed_by FROM call_media WHERE claimed_by IS NOT NULL',
      );
      for (const claim of claims) holders.add(claim.claimed_by.split(':')[1]);
      const [all] = await s.db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM call_media');
      return Number(all.n) > 0 && (await openRows(s)) === 0;
    });
    expect([...holders].sort()).toEqual(s.instances.map((instance) => String(instance.pid)).sort());
    const rows = await s.db.query<{ call_id: unknown; kind: string; status: string; sha256: string }>(
      'SELECT call_id, kind, status, sha256 FROM call_media WHERE account_id = ?',
      [s.accountId],
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.status).toBe('archived');
      const stats = s.simulator.mediaFileStats(s.company.id, Number(row.call_id), row.kind as 'recording');
      expect({ started: stats.started, completed: stats.completed }).toEqual({ started: 1, completed: 1 });
    }
    s.simulator.faults.clear();
  }, 120_000);

  it('resumes a download whose instance was killed, on the other instance', async () => {
    const s = setup!;
    await killMidDownload(s, async () => s.instances.find((instance) => instance.isRunning())!);
  }, 60_000);
});

describe('recordings on SQLite: a download killed with its instance resumes after a restart', () => {
  let setup: Setup | undefined;

  beforeAll(async () => {
    setup = await setUp('sqlite', 6);
    const first = await setup.start('recordings-sqlite-a');
    await connect(setup, first);
    await until(async () => (await openRows(setup!)) === 0);
  }, 120_000);

  afterAll(() => tearDown(setup), 60_000);

  it('archives the whole file after the restart', async () => {
    const s = setup!;
    await killMidDownload(s, () => s.start('recordings-sqlite-b'));
  }, 60_000);
});
