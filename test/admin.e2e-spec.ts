import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSource } from '../src/database/database-options';
import { SERVICE_NODE_FLAGS } from '../src/node-flags';
import { createTestDatabase, describeEachEngine, TestDatabase } from './support/databases';
import { graphql } from './support/graphql-client';
import { buildService, freePort, ServiceBuild, spawnInstance } from './support/spawn-instance';
import { TEST_ENCRYPTION_KEY } from './support/test-app';
import { AircallSimulator } from './simulator/aircall-simulator';

const KEY = /acs_[A-Za-z0-9_-]{43}/g;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled entry point to its end (the service refusing to start, or one CLI command). */
function run(script: string, args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, script, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

async function withDataSource<T>(url: string, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

async function storedKeys(url: string): Promise<Array<Record<string, unknown>>> {
  return withDataSource(
    url,
    (ds) => ds.query('SELECT * FROM api_keys') as Promise<Array<Record<string, unknown>>>,
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const WHO = '{ apiKeys { keyPrefix role } }';

let build: ServiceBuild;
beforeAll(async () => {
  build = await buildService();
}, 240_000);
afterAll(() => build?.remove());

describeEachEngine('first start and the admin CLI', (db) => {
  const extra: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of extra) await database.drop();
  });
  const freshDatabase = async () => {
    const database = await createTestDatabase(db().engine);
    extra.push(database);
    return database.url;
  };
  const cli = (databaseUrl: string, args: string[], env: Record<string, string> = {}) =>
    run(join(build.main, '..', 'cli', 'admin.js'), args, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      PUBLIC_URL: 'http://127.0.0.1:9',
      AIRCALL_API_URL: 'http://127.0.0.1:9',
      ...env,
    });

  it('without ADMIN_API_KEY: SQLite creates an admin key, shows it once and stores only its hash; MySQL says how to get in', async () => {
    const url = db().url;
    const first = await spawnInstance(build, { name: 'first', databaseUrl: url, env: { ADMIN_API_KEY: '' } });
    try {
      if (db().engine === 'sqlite') {
        const keys = first.output().match(KEY) ?? [];
        expect(new Set(keys).size).toBe(1);
        const key = keys[0] ?? '';
        expect(first.output()).toContain('npm run admin -- create-key');
        const rows = await storedKeys(url);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ role: 'ADMIN', key_hash: sha256(key) });
        expect(JSON.stringify(rows)).not.toContain(key);
        const res = await graphql(first.baseUrl, key, WHO);
        expect(res.status).toBe(200);
        expect(res.data).toEqual({ apiKeys: [{ keyPrefix: key.slice(0, 12), role: 'ADMIN' }] });
      } else {
        expect(first.output()).not.toMatch(KEY);
        expect(first.output()).toContain('no admin API key');
        expect(await storedKeys(url)).toEqual([]);
      }
    } finally {
      await first.stop();
    }
    // A later start finds the key: nothing is created or printed again.
    const before = await storedKeys(url);
    const second = await spawnInstance(build, {
      name: 'second',
      databaseUrl: url,
      env: { ADMIN_API_KEY: '' },
    });
    await second.stop();
    expect(second.output()).not.toMatch(KEY);
    expect(second.output()).not.toContain('created the first admin API key');
    expect(await storedKeys(url)).toEqual(before);
  });

  it('in production refuses to start without a way in, with one line saying what to set; a key made by the CLI lets it start', async () => {
    const url = await freshDatabase();
    const port = await freePort();
    const refused = await run(build.main, [], {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_URL: url,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      SYNC_CRON: 'off',
      WEBHOOK_CHECK_CRON: 'off',
    });
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^aircall-sync failed to start: no way in: set ADMIN_API_KEY .*npm run admin -- create-key --role admin/,
      ),
    ]);
    expect(await storedKeys(url)).toEqual([]);

    const created = await cli(url, ['create-key', '--role', 'admin', '--name', 'ops', '--json']);
    expect(created.code).toBe(0);
    const { key } = JSON.parse(created.stdout) as { key: string };
    const service = await spawnInstance(build, {
      name: 'production',
      databaseUrl: url,
      env: { NODE_ENV: 'production', ADMIN_API_KEY: '' },
    });
    try {
      expect(service.output()).not.toMatch(KEY);
      expect((await graphql(service.baseUrl, key, WHO)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });

  it('create-key, list-keys and revoke-key manage keys, showing a key only when it is created', async () => {
    const url = await freshDatabase();
    const created = await cli(url, ['create-key', '--name', 'reporting', '--account', '11,12', '--json']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; role: string; accountIds: string[] };
    expect(key).toMatchObject({ role: 'READER', accountIds: ['11', '12'] });
    expect(key.key).toMatch(/^acs_/);
    const text = await cli(url, ['create-key', '--role', 'admin']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Created admin API key \d+ .*\n\n {4}acs_[A-Za-z0-9_-]{43}\n/);

    const listed = await cli(url, ['list-keys', '--json']);
    const keys = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(keys.map((k) => k.role).sort()).toEqual(['ADMIN', 'READER']);
    expect(listed.stdout).not.toContain(key.key);
    expect(await storedKeys(url)).toEqual(
      expect.arrayContaining([expect.objectContaining({ key_hash: sha256(key.key) })]),
    );

    expect((await cli(url, ['revoke-key', key.id])).stdout).toContain(`Revoked API key ${key.id}.`);
    const again = await cli(url, ['revoke-key', key.id]);
    expect(again.code).toBe(1);
    const after = JSON.parse((await cli(url, ['list-keys', '--json'])).stdout) as Array<
      Record<string, unknown>
    >;
    expect(after.find((k) => k.id === key.id)?.revokedAt).toEqual(expect.any(String));

    const wrong = await cli(url, ['create-key', '--role', 'owner']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--role must be admin or reader');
    const help = await cli(url, ['--help']);
    expect(help.code).toBe(0);
    for (const command of ['create-key', 'revoke-key', 'list-keys', 'connect', 'list-accounts', 'sync'])
      expect(help.stdout).toContain(command);
  });

  it('connect, list-accounts and sync work against Aircall (the simulator)', async () => {
    const url = await freshDatabase();
    const simulator = await AircallSimulator.start({ companies: [{ callCount: 40 }] });
    try {
      const company = simulator.company(0);
      const env = { AIRCALL_API_URL: simulator.baseUrl, BACKFILL_DAYS: '31' };
      const connected = await cli(
        url,
        ['connect', '--api-id', company.apiId, '--api-token', company.apiToken, '--json'],
        env,
      );
      expect(connected.stderr).not.toContain('failed');
      expect(connected.code).toBe(0);
      const outcome = JSON.parse(connected.stdout) as {
        account: { id: string; status: string; webhookId: string };
        reconnected: boolean;
        webhookError: string | null;
        run: { kind: string; status: string; callsWritten: number };
      };
      expect(outcome).toMatchObject({
        account: { status: 'active', webhookId: expect.any(String) },
        reconnected: false,
        webhookError: null,
        run: { kind: 'backfill', status: 'succeeded', callsWritten: 40 },
      });
      expect(company.webhooks.all().map((w) => w.url)).toEqual(['http://127.0.0.1:9/aircall/webhook']);

      const accounts = JSON.parse((await cli(url, ['list-accounts', '--json'])).stdout) as Array<
        Record<string, unknown>
      >;
      expect(accounts).toEqual([expect.objectContaining({ id: outcome.account.id, status: 'active' })]);

      company.addCall();
      const synced = await cli(url, ['sync', outcome.account.id], env);
      expect(synced.code).toBe(0);
      expect(synced.stdout).toMatch(/Sync run \d+ \(manual\)[\s\S]*Run succeeded/);
      const full = JSON.parse(
        (await cli(url, ['sync', outcome.account.id, '--full', '--json'], env)).stdout,
      ) as {
        kind: string;
        status: string;
        callsFetched: number;
      };
      expect(full).toMatchObject({ kind: 'backfill', status: 'succeeded', callsFetched: 41 });
      const calls = await withDataSource(
        url,
        (ds) => ds.query('SELECT COUNT(*) AS n FROM calls') as Promise<Array<{ n: unknown }>>,
      );
      expect(Number(calls[0].n)).toBe(41);

      const missing = await cli(url, ['sync', '999'], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/sync failed: account 999 not found/);
    } finally {
      await simulator.close();
    }
  });
});
