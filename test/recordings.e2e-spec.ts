import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SecretBox } from '../src/crypto/secret-box';
import { Database } from '../src/database/database';
import { RecordingArchiver } from '../src/recordings/recording-archiver';
import { RecordingRetention } from '../src/recordings/recording-retention';
import { signMediaGrant } from '../src/recordings/media-tokens';
import { SyncService } from '../src/sync/sync.service';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { connectCompany } from './support/accounts';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { S3_BUCKET, S3_CREDENTIALS, S3Server, startS3Server } from './support/s3-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

/** Waits until `probe` holds. */
const until = (probe: () => Promise<unknown>, timeoutMs = 10_000) => waitFor(probe, Boolean, timeoutMs);

const DAY = 86_400;
const BYTES = 20_000;
const MEDIA_FIELDS =
  'status sizeBytes durationSeconds contentType sha256 archivedAt url urlExpiresAt lastError';
const CALL = `query ($id: ID!) { call(id: $id) { id recordingUrl recording { ${MEDIA_FIELDS} } voicemail { ${MEDIA_FIELDS} } } }`;

interface MediaView {
  status: string | null;
  sizeBytes: number | null;
  durationSeconds: number | null;
  contentType: string | null;
  sha256: string | null;
  archivedAt: string | null;
  url: string | null;
  urlExpiresAt: string | null;
  lastError: string | null;
}

interface MediaRow {
  call_id: string;
  kind: string;
  status: string;
  storage_key: string | null;
  size_bytes: unknown;
  sha256: string | null;
  attempts: unknown;
  last_error: string | null;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The bytes the simulator serves for a file (a link signed now). */
async function simulatorFile(
  simulator: AircallSimulator,
  companyId: number,
  callId: string,
  kind = 'recording',
) {
  const res = await fetch(simulator.mediaLink(companyId, Number(callId), kind as 'recording' | 'voicemail'));
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

/** A server that counts every request it gets: a foreign host a crafted delivery could name. */
async function trap(): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.alloc(1000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
  };
}

/**
 * Files on disk under `dir`, leaving out the local storage's own .meta/ and .tmp/ folders.
 */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (
      entry.isFile() &&
      !path
        .slice(dir.length)
        .split('/')
        .some((segment) => segment.startsWith('.'))
    )
      out.push(path);
  }
  return out;
}

/** Connects the company with its API key, as an admin would, and waits for its backfill. */
async function connect(app: TestApp, company: SimulatedCompany): Promise<string> {
  const accountId = await connectCompany(app.baseUrl, company);
  await app.get(SyncService).whenIdle();
  return accountId;
}

describeEachEngine('Recordings archive (local storage)', (database) => {
  const now = Math.floor(Date.now() / 1000);
  let simulator: AircallSimulator;
  let company: SimulatedCompany;
  let app: TestApp;
  let db: Database;
  let dir: string;
  let accountId: string;
  let foreign: Awaited<ReturnType<typeof trap>>;

  const rows = (where = '1 = 1', params: unknown[] = []) =>
    db.query<MediaRow>(
      `SELECT CAST(call_id AS CHAR) AS call_id, kind, status, storage_key, size_bytes, sha256, attempts, last_error
         FROM call_media WHERE account_id = ? AND ${where} ORDER BY call_id, kind`,
      [accountId, ...params],
    );
  const settled = () =>
    until(async () => {
      const open = await db.query(
        `SELECT 1 FROM call_media WHERE account_id = ? AND status IN ('pending', 'checking') LIMIT 1`,
        [accountId],
      );
      return open.length === 0;
    }, 20_000);
  const call = async (id: string) =>
    (
      await graphqlData<{
        call: { recordingUrl: string | null; recording: MediaView | null; voicemail: MediaView | null };
      }>(app.baseUrl, TEST_ADMIN_KEY, CALL, { id })
    ).call;
  const setArchiving = (enabled: boolean) =>
    graphqlData(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation ($id: ID!, $on: Boolean!) { setRecordingArchiving(accountId: $id, enabled: $on) { id archiveRecordings } }',
      {
        id: accountId,
        on: enabled,
      },
    );

  beforeAll(async () => {
    foreign = await trap();
    simulator = await AircallSimulator.start({
      rateLimit: 600,
      rateWindowMs: 1000,
      mediaBytes: BYTES,
      companies: [
        { id: 8_300_001, name: 'Recorded', callCount: 24, callsFrom: now - DAY, callsTo: now - 3_600 },
      ],
    });
    [company] = simulator.companies;
    dir = mkdtempSync(join(tmpdir(), 'aircall-recordings-'));
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_LIMIT: '600',
      AIRCALL_RATE_WINDOW_MS: '1000',
      AIRCALL_RETRY_BASE_MS: '20',
      WEBHOOK_CHECK_CRON: 'off',
      BACKFILL_DAYS: '7',
      RECORDINGS: 'archive',
      RECORDINGS_DIR: dir,
      RECORDINGS_ALLOWED_HOSTS: new URL(simulator.baseUrl).host,
      RECORDINGS_POLL_MS: '50',
      RECORDINGS_RETRY_BASE_MS: '50',
      RECORDINGS_MAX_ATTEMPTS: '3',
      RECORDINGS_IDLE_TIMEOUT_MS: '2000',
      RECORDINGS_RETENTION_DAYS: '2',
    });
    app.config.PUBLIC_URL = app.baseUrl;
    db = app.get(Database);
    accountId = await connect(app, company);
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.close();
    foreign?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('archives every recording and voicemail the backfill brought, each downloaded once, with its checksum', async () => {
    await settled();
    const withMedia = await db.query<{
      id: string;
      recording_url: string | null;
      voicemail_url: string | null;
    }>(
      'SELECT CAST(id AS CHAR) AS id, recording_url, voicemail_url FROM calls WHERE account_id = ? ORDER BY id',
      [accountId],
    );
    const expected = withMedia.flatMap((c) => [
      ...(c.recording_url ? [`${c.id}:recording`] : []),
      ...(c.voicemail_url ? [`${c.id}:voicemail`] : []),
    ]);
    expect(expected.length).toBeGreaterThan(5);
    const archived = await rows();
    expect(archived.map((r) => `${r.call_id}:${r.kind}`)).toEqual(expected);
    for (const row of archived) {
      expect(row.status).toBe('archived');
      expect(Number(row.size_bytes)).toBe(BYTES);
      const file = join(dir, row.storage_key!);
      expect(statSync(file).size).toBe(BYTES);
      expect(
        simulator.mediaFileStats(company.id, Number(row.call_id), row.kind as 'recording').completed,
      ).toBe(1);
      expect(row.sha256).toBe(sha256(await simulatorFile(simulator, company.id, row.call_id, row.kind)));
    }
  });

  it('serves an archived file from a signed link, with ranges, and refuses forged or expired links', async () => {
    const [row] = await rows(`kind = 'recording' AND status = 'archived'`);
    const { recording } = await call(row.call_id);
    expect(recording).toMatchObject({
      status: 'ARCHIVED',
      sizeBytes: BYTES,
      contentType: 'audio/mpeg',
      sha256: row.sha256,
    });
    // 128 kbit/s: 16,000 bytes a second.
    expect(recording!.durationSeconds).toBe(Math.round(BYTES / 16_000));
    expect(recording!.url!.startsWith(`${app.baseUrl}/recordings/`)).toBe(true);
    expect(Date.parse(recording!.urlExpiresAt!)).toBeGreaterThan(Date.now() + 50 * 60_000);

    const whole = await fetch(recording!.url!);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(sha256(bytes)).toBe(row.sha256);

    const part = await fetch(recording!.url!, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${BYTES}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(Buffer.from(bytes.subarray(100, 200)));
    const tail = await fetch(recording!.url!, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(Buffer.from(bytes.subarray(BYTES - 10)));
    const beyond = await fetch(recording!.url!, { headers: { range: `bytes=${BYTES}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${BYTES}`);
    const head = await fetch(recording!.url!, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(BYTES));

    const token = recording!.url!.split('/recordings/')[1];
    const otherCall = token.replace(`.${row.call_id}.`, `.${Number(row.call_id) + 1}.`);
    expect((await fetch(`${app.baseUrl}/recordings/${otherCall}`)).status).toBe(403);
    const expired = signMediaGrant(app.get(SecretBox), {
      accountId,
      callId: row.call_id,
      kind: 'recording',
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    });
    expect((await fetch(`${app.baseUrl}/recordings/${expired}`)).status).toBe(410);
    expect((await fetch(`${app.baseUrl}/recordings/..%2F..%2Fetc%2Fpasswd`)).status).toBe(403);
  });

  it('refreshes a link that expired before its download, through GET /v1/calls/:id', async () => {
    await setArchiving(false);
    simulator.setMediaLinkTtl(1);
    const fresh = company.addCall({ started_at: now - 600, recording: null, voicemail: null });
    await simulator.generateCommAssets(company.id, fresh.id, { kinds: ['recording'] });
    await until(async () => (await rows('call_id = ?', [fresh.id]))[0]?.status === 'pending');
    // The link the webhook carried is dead by now; the archiver must ask Aircall for a new one.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    simulator.setMediaLinkTtl(3600);
    const reads = () => simulator.requestLog.filter((r) => r.path === `/v1/calls/${fresh.id}`).length;
    const before = reads();
    await setArchiving(true);
    await settled();
    const [row] = await rows('call_id = ?', [fresh.id]);
    expect(row.status).toBe('archived');
    expect(reads()).toBe(before + 1);
    expect(row.sha256).toBe(sha256(await simulatorFile(simulator, company.id, String(fresh.id))));
  });

  it('never archives a truncated download, and retries it', async () => {
    const fresh = company.addCall({ started_at: now - 500, recording: null, voicemail: null });
    simulator.faults.add({
      kind: 'truncate',
      afterBytes: 5_000,
      pathPrefix: `/media/${company.id}/${fresh.id}/`,
    });
    await simulator.generateCommAssets(company.id, fresh.id, { kinds: ['recording'] });
    await until(async () => (await rows('call_id = ?', [fresh.id]))[0]);
    await settled();
    const [row] = await rows('call_id = ?', [fresh.id]);
    expect(row.status).toBe('archived');
    expect(Number(row.attempts)).toBe(1);
    expect(statSync(join(dir, row.storage_key!)).size).toBe(BYTES);
    expect(simulator.mediaFileStats(company.id, fresh.id).started).toBe(2);
    expect(row.sha256).toBe(sha256(await simulatorFile(simulator, company.id, String(fresh.id))));
  });

  it('never fetches a link to a foreign host, nor follows a redirect to one', async () => {
    const crafted = company.addCall({ started_at: now - 400, recording: null, voicemail: null });
    await simulator.deliver(company.id, {
      resource: 'call',
      event: 'call.comm_assets_generated',
      data: { ...crafted, recording: `${foreign.url}/calls/${crafted.id}/recording.mp3` },
    });
    const redirected = company.addCall({ started_at: now - 300, recording: null, voicemail: null });
    simulator.faults.add({
      kind: 'redirect',
      location: `${foreign.url}/elsewhere.mp3`,
      pathPrefix: `/media/${company.id}/${redirected.id}/`,
    });
    await simulator.generateCommAssets(company.id, redirected.id, { kinds: ['recording'] });
    await until(async () => (await rows('call_id IN (?, ?)', [crafted.id, redirected.id])).length === 2);
    await settled();
    const [first, second] = await rows('call_id IN (?, ?)', [crafted.id, redirected.id]);
    for (const row of [first, second]) {
      expect(row.status).toBe('failed');
      expect(row.last_error).toMatch(/not an allowed recording host/);
    }
    expect(foreign.hits()).toBe(0);
    expect((await call(String(crafted.id))).recording).toMatchObject({ status: 'FAILED' });
  });

  it('deletes the archived copy once Aircall no longer has the file', async () => {
    const [row] = await rows(`kind = 'recording' AND status = 'archived'`);
    simulator.deleteMedia(company.id, Number(row.call_id));
    const call0 = company.calls.get(Number(row.call_id))!;
    // A newer snapshot without the link: the archiver checks with Aircall before deleting anything.
    await simulator.emitCallEvent(company.id, 'call.tagged', call0);
    await until(async () =>
      (await rows('call_id = ? AND kind = ?', [row.call_id, 'recording']))[0].status === 'deleted'
        ? true
        : undefined,
    );
    expect(existsSync(join(dir, row.storage_key!))).toBe(false);
    const { recording, recordingUrl } = await call(row.call_id);
    expect(recordingUrl).toBeNull();
    expect(recording).toMatchObject({ status: 'DELETED', url: null });
  });

  it('keeps the archived copy when a newer event merely lacks the link', async () => {
    const [row] = await rows(`kind = 'recording' AND status = 'archived'`);
    const stored = company.calls.get(Number(row.call_id))!;
    const reads = () => simulator.requestLog.filter((r) => r.path === `/v1/calls/${row.call_id}`).length;
    const before = reads();
    // As a call.ended sent after comm_assets_generated without the links: Aircall still has the file.
    await simulator.deliver(company.id, {
      resource: 'call',
      event: 'call.ended',
      data: { ...stored, recording: null, recording_short_url: null },
    });
    // The archiver asked Aircall before deciding anything.
    await until(async () => reads() > before);
    await settled();
    const [after] = await rows('call_id = ? AND kind = ?', [row.call_id, 'recording']);
    expect(after.status).toBe('archived');
    expect(existsSync(join(dir, after.storage_key!))).toBe(true);
  });

  it('applies the retention rule: files of calls older than RECORDINGS_RETENTION_DAYS go', async () => {
    const old = company.addCall({ started_at: now - 3 * DAY, recording: null, voicemail: null });
    await simulator.generateCommAssets(company.id, old.id, { kinds: ['recording'] });
    await until(async () => (await rows('call_id = ?', [old.id]))[0]);
    await settled();
    const [before] = await rows('call_id = ?', [old.id]);
    expect(before.status).toBe('archived');
    const recent = (await rows(`status = 'archived'`)).filter((r) => r.call_id !== String(old.id));
    expect(await app.get(RecordingRetention).sweep()).toBeGreaterThanOrEqual(1);
    const [after] = await rows('call_id = ?', [old.id]);
    expect(after.status).toBe('deleted');
    expect(existsSync(join(dir, before.storage_key!))).toBe(false);
    expect((await call(String(old.id))).recording).toMatchObject({ status: 'DELETED', url: null });
    // Calls inside the window keep theirs.
    for (const row of recent) expect(existsSync(join(dir, row.storage_key!))).toBe(true);
  });

  it('shows the archive in /health, /metrics and on the account', async () => {
    const health = (await (await fetch(`${app.baseUrl}/health`)).json()) as {
      recordings: Record<string, unknown>;
    };
    const archived = (await rows(`status = 'archived'`)).length;
    expect(health.recordings).toMatchObject({
      mode: 'archive',
      storage: 'local',
      archived,
      pending: 0,
      failed: 2,
    });
    expect(health.recordings.bytesStored).toBe(archived * BYTES);
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toContain(`aircall_recordings{status="archived"} ${archived}`);
    expect(metrics).toMatch(/aircall_recordings_downloaded_bytes_total \d+/);
    const { accounts } = await graphqlData<{
      accounts: Array<{ id: string; recordingArchive: Record<string, unknown> }>;
    }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      '{ accounts { id recordingArchive { mode enabled archived failed bytesStored } } }',
    );
    expect(accounts.find((a) => a.id === accountId)!.recordingArchive).toEqual({
      mode: 'archive',
      enabled: true,
      archived,
      failed: 2,
      bytesStored: archived * BYTES,
    });
  });

  it('shows a file still held while Aircall is asked about it as archived, and counts its bytes', async () => {
    const archiveView = async () =>
      (
        await graphqlData<{ accounts: Array<{ id: string; recordingArchive: Record<string, number> }> }>(
          app.baseUrl,
          TEST_ADMIN_KEY,
          '{ accounts { id recordingArchive { archived pending bytesStored } } }',
        )
      ).accounts.find((a) => a.id === accountId)!.recordingArchive;
    await settled();
    const before = await archiveView();
    const [row] = await rows(`kind = 'recording' AND status = 'archived'`);
    // The state a snapshot without the link leaves (call-media-tracker), held back from the archiver
    // by a next attempt far ahead, so the question to Aircall does not settle it meanwhile.
    await db.query(
      `UPDATE call_media SET status = 'checking', next_attempt_at = ? WHERE account_id = ? AND call_id = ? AND kind = 'recording'`,
      [db.date(new Date('2030-01-01T00:00:00Z')), accountId, row.call_id],
    );
    try {
      const { recording } = await call(row.call_id);
      expect(recording).toMatchObject({ status: 'ARCHIVED', sizeBytes: BYTES, sha256: row.sha256 });
      expect(recording!.url).toContain('/recordings/');
      expect((await fetch(recording!.url!)).status).toBe(200);
      expect(await archiveView()).toEqual(before);
      const health = (await (await fetch(`${app.baseUrl}/health`)).json()) as {
        recordings: Record<string, unknown>;
      };
      expect(health.recordings).toMatchObject({
        archived: before.archived,
        pending: before.pending,
        bytesStored: before.bytesStored,
      });
    } finally {
      await db.query(
        `UPDATE call_media SET status = 'archived' WHERE account_id = ? AND call_id = ? AND kind = 'recording'`,
        [accountId, row.call_id],
      );
    }
  });

  it('deletes every file of the account when it is disconnected with purge', async () => {
    expect(filesUnder(dir).length).toBeGreaterThan(0);
    await app.get(RecordingArchiver).whenIdle();
    await graphqlData(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation ($id: ID!) { disconnectAccount(id: $id, purge: true) { id } }',
      {
        id: accountId,
      },
    );
    expect(filesUnder(dir)).toEqual([]);
    expect(await db.query('SELECT 1 FROM call_media WHERE account_id = ?', [accountId])).toEqual([]);
  });
});

describeEachEngine('Recordings archive (S3 storage)', (database) => {
  const now = Math.floor(Date.now() / 1000);
  let simulator: AircallSimulator;
  let company: SimulatedCompany;
  let app: TestApp;
  let db: Database;
  let s3: S3Server;
  let client: S3Client;
  let accountId: string;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  const objects = async () =>
    ((await client.send(new ListObjectsV2Command({ Bucket: S3_BUCKET }))).Contents ?? []).map((o) => ({
      key: o.Key!,
      size: o.Size!,
    }));
  const archivedRows = () =>
    db.query<{ call_id: string; storage_key: string; sha256: string }>(
      `SELECT CAST(call_id AS CHAR) AS call_id, storage_key, sha256 FROM call_media
        WHERE account_id = ? AND status = 'archived' ORDER BY kind, call_id`,
      [accountId],
    );

  beforeAll(async () => {
    s3 = await startS3Server();
    client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3_CREDENTIALS,
    });
    // The service takes S3 credentials from the AWS SDK's usual chain, as in production.
    process.env.AWS_ACCESS_KEY_ID = S3_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3_CREDENTIALS.secretAccessKey;
    simulator = await AircallSimulator.start({
      rateLimit: 600,
      rateWindowMs: 1000,
      mediaBytes: BYTES,
      companies: [
        {
          id: 8_300_002,
          name: 'Recorded on S3',
          callCount: 10,
          callsFrom: now - DAY,
          callsTo: now - 3_600,
        },
      ],
    });
    [company] = simulator.companies;
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_LIMIT: '600',
      AIRCALL_RATE_WINDOW_MS: '1000',
      WEBHOOK_CHECK_CRON: 'off',
      BACKFILL_DAYS: '7',
      RECORDINGS: 'archive',
      RECORDINGS_STORAGE: 's3',
      RECORDINGS_S3_BUCKET: S3_BUCKET,
      RECORDINGS_S3_PREFIX: 'aircall-sync/',
      RECORDINGS_S3_REGION: 'us-east-1',
      RECORDINGS_S3_ENDPOINT: s3.endpoint,
      RECORDINGS_S3_FORCE_PATH_STYLE: 'true',
      RECORDINGS_ALLOWED_HOSTS: new URL(simulator.baseUrl).host,
      RECORDINGS_POLL_MS: '50',
      RECORDINGS_RETENTION_DAYS: '2',
    });
    app.config.PUBLIC_URL = app.baseUrl;
    db = app.get(Database);
    accountId = await connect(app, company);
    await until(async () => {
      const open = await db.query(
        `SELECT 1 FROM call_media WHERE account_id = ? AND status = 'pending' LIMIT 1`,
        [accountId],
      );
      return open.length === 0;
    }, 20_000);
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.close();
    client?.destroy();
    await s3?.stop();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  it('archives into the bucket under the prefix, and serves ranges from it', async () => {
    const rows = await archivedRows();
    expect(rows.length).toBeGreaterThan(2);
    const stored = await objects();
    expect(stored.map((o) => o.key).sort()).toEqual(rows.map((r) => `aircall-sync/${r.storage_key}`).sort());
    for (const o of stored) expect(o.size).toBe(BYTES);
    const { call } = await graphqlData<{ call: { recording: MediaView } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CALL,
      {
        id: rows[0].call_id,
      },
    );
    const whole = new Uint8Array(await (await fetch(call.recording.url!)).arrayBuffer());
    expect(sha256(whole)).toBe(rows[0].sha256);
    const part = await fetch(call.recording.url!, { headers: { range: 'bytes=0-0' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(Buffer.from(whole.subarray(0, 1)));
  });

  it('deletes by the retention rule and on purge', async () => {
    const old = company.addCall({ started_at: now - 3 * DAY, recording: null, voicemail: null });
    await simulator.generateCommAssets(company.id, old.id, { kinds: ['recording'] });
    await until(async () => (await archivedRows()).some((r) => r.call_id === String(old.id)));
    const key = (await archivedRows()).find((r) => r.call_id === String(old.id))!.storage_key;
    expect((await objects()).some((o) => o.key === `aircall-sync/${key}`)).toBe(true);
    await app.get(RecordingRetention).sweep();
    const left = await objects();
    expect(left.some((o) => o.key === `aircall-sync/${key}`)).toBe(false);
    expect(left.length).toBe((await archivedRows()).length);

    await graphqlData(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation ($id: ID!) { disconnectAccount(id: $id, purge: true) { id } }',
      {
        id: accountId,
      },
    );
    expect(await objects()).toEqual([]);
  });
});
