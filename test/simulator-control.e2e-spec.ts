import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Database } from '../src/database/database';
import { SyncService } from '../src/sync/sync.service';
import { accountIdOf } from './support/accounts';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';
import { startWebhookReceiver } from './support/webhook-receiver';
import { AircallSimulator } from './simulator/aircall-simulator';

interface Received {
  event: string;
  token: string;
  timestamp: number;
  data: Record<string, unknown>;
}

const startReceiver = () => startWebhookReceiver<Received>();

const ROOT = join(__dirname, '..');

function runSimulatorCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'),
        '--transpile-only',
        join(__dirname, 'simulator', 'main.ts'),
        ...args,
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('simulator control surface', () => {
  let simulator: AircallSimulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let token: string;

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${simulator.baseUrl}/_control${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const api = (path: string, init: RequestInit = {}) => {
    const company = simulator.company(0);
    const basic = Buffer.from(`${company.apiId}:${company.apiToken}`).toString('base64');
    return fetch(`${simulator.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json', ...init.headers },
    });
  };

  beforeAll(async () => {
    simulator = await AircallSimulator.start({ companies: [{ callCount: 10 }] });
    receiver = await startReceiver();
    const created = await api('/v1/webhooks', {
      method: 'POST',
      body: JSON.stringify({
        url: receiver.url,
        events: [
          'call.created',
          'call.ringing_on_agent',
          'call.answered',
          'call.hungup',
          'call.ended',
          'call.tagged',
          'call.commented',
          'call.archived',
          'call.hold',
        ],
      }),
    });
    expect(created.status).toBe(201);
    token = ((await created.json()) as { webhook: { token: string } }).webhook.token;
  });
  afterAll(async () => {
    await simulator?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
  });

  it('lists the companies and the webhooks registered through the API', async () => {
    const overview = await control('GET', '');
    expect(overview.status).toBe(200);
    expect(overview.body.companies).toEqual([
      expect.objectContaining({
        id: simulator.company(0).id,
        apiId: simulator.company(0).apiId,
        calls: 10,
        webhooks: 1,
      }),
    ]);
    expect(overview.body.endpoints.map((e: { route: string }) => e.route)).toContain('POST /_control/calls');
    const { body } = await control('GET', '/webhooks');
    expect(body.webhooks).toEqual([
      expect.objectContaining({ companyId: simulator.company(0).id, url: receiver.url, active: true, token }),
    ]);
  });

  it("sends an answered inbound call's events in Aircall's order, with the call's state in each", async () => {
    const { status, body } = await control('POST', '/calls', {
      direction: 'inbound',
      ringSeconds: 4,
      talkSeconds: 30,
    });
    expect(status).toBe(200);
    const events = ['call.created', 'call.ringing_on_agent', 'call.answered', 'call.hungup', 'call.ended'];
    expect(body.events.map((e: { event: string }) => e.event)).toEqual(events);
    expect(
      body.events.every((e: { deliveries: Array<{ status: number }> }) => e.deliveries[0].status === 200),
    ).toBe(true);
    expect(receiver.received.map((r) => r.event)).toEqual(events);
    const id = body.call.id as number;
    for (const delivery of receiver.received) {
      expect(delivery).toMatchObject({
        token,
        data: { id, direction: 'inbound', call_uuid: expect.any(String) },
      });
      expect(delivery.data).not.toHaveProperty('sid');
    }
    expect(receiver.received.map((r) => r.data.status)).toEqual([
      'initial',
      'initial',
      'answered',
      'answered',
      'done',
    ]);
    const [created, , answered, , ended] = receiver.received;
    expect(answered.timestamp - created.timestamp).toBe(4);
    expect(ended.data).toMatchObject({
      answered_at: answered.timestamp,
      ended_at: ended.timestamp,
      duration: 34,
      missed_call_reason: null,
    });
    expect((await control('GET', `/calls/${id}`)).body.call).toMatchObject({ id, status: 'done' });
  });

  it('keeps a call live, then tags, comments, archives and ends it by hand, each with its event', async () => {
    const started = await control('POST', '/calls', { direction: 'outbound', ended: false });
    expect(started.body.events.map((e: { event: string }) => e.event)).toEqual([
      'call.created',
      'call.answered',
    ]);
    const id = started.body.call.id as number;
    const tagId = simulator.company(0).directory.tags[0].id;
    expect((await control('POST', `/calls/${id}/tag`, { tagId })).status).toBe(200);
    expect((await control('POST', `/calls/${id}/comment`, { content: 'Wants a call back' })).status).toBe(
      200,
    );
    expect((await control('POST', `/calls/${id}/events`, { event: 'call.hold' })).status).toBe(200);
    expect((await control('POST', `/calls/${id}/end`)).status).toBe(200);
    expect((await control('POST', `/calls/${id}/archive`)).status).toBe(200);
    expect(receiver.received.map((r) => r.event)).toEqual([
      'call.created',
      'call.answered',
      'call.tagged',
      'call.commented',
      'call.hold',
      'call.hungup',
      'call.ended',
      'call.archived',
    ]);
    const byEvent = new Map(receiver.received.map((r) => [r.event, r.data]));
    expect(byEvent.get('call.tagged')?.tags).toEqual([expect.objectContaining({ id: tagId })]);
    expect(byEvent.get('call.commented')?.comments).toEqual([
      expect.objectContaining({ content: 'Wants a call back' }),
    ]);
    expect(byEvent.get('call.ended')).toMatchObject({ status: 'done' });
    expect(byEvent.get('call.archived')).toMatchObject({ archived: true });
    expect((await control('POST', `/calls/${id}/end`)).status).toBe(400);
  });

  it('sends a missed inbound call without call.answered, with its missed_call_reason', async () => {
    const { body } = await control('POST', '/calls', { answered: false });
    expect(body.events.map((e: { event: string }) => e.event)).toEqual([
      'call.created',
      'call.ringing_on_agent',
      'call.hungup',
      'call.ended',
    ]);
    expect(receiver.received.at(-1)?.data).toMatchObject({
      status: 'done',
      answered_at: null,
      missed_call_reason: 'agents_did_not_answer',
    });
  });

  it('is not part of the Aircall API: no API path reaches it, and it counts in no API statistics', async () => {
    const requests = simulator.stats.requests;
    await control('GET', '');
    await control('GET', '/webhooks');
    expect(simulator.stats.requests).toBe(requests);
    expect((await fetch(`${simulator.baseUrl}/v1/_control`)).status).toBe(401);
    expect((await api('/v1/_control/faults')).status).toBe(404);
    expect((await control('GET', '/nothing')).status).toBe(404);
  });

  it('arms faults the API then plays: a 503, a slow answer, a spent rate limit; bad faults are refused', async () => {
    expect(
      (await control('POST', '/faults', { kind: 'status', status: 503, pathPrefix: '/v1/calls' })).body,
    ).toEqual({ pending: 1 });
    expect((await api('/v1/calls')).status).toBe(503);
    expect((await api('/v1/calls')).status).toBe(200);

    await control('POST', '/faults', { kind: 'delay', ms: 400 });
    const before = Date.now();
    expect((await api('/v1/company')).status).toBe(200);
    expect(Date.now() - before).toBeGreaterThanOrEqual(390);

    await control('POST', '/faults', { kind: 'hang', count: 2 });
    expect((await control('DELETE', '/faults')).body).toEqual({ pending: 0 });
    expect((await api('/v1/company')).status).toBe(200);

    expect((await control('POST', '/rate-limit/exhaust', {})).status).toBe(200);
    const limited = await api('/v1/company');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-aircallapi-remaining')).toBe('0');

    expect((await control('POST', '/faults', { kind: 'explode' })).status).toBe(400);
    expect((await control('POST', '/faults', { kind: 'status', status: 418 })).status).toBe(400);
  });

  it('lists the media endpoints, and reads the download counters from the command line', async () => {
    const routes = (await control('GET', '')).body.endpoints.map((e: { route: string }) => e.route);
    for (const route of [
      'POST /_control/calls/:id/assets',
      'GET /_control/media',
      'POST /_control/faults/release',
    ])
      expect(routes).toContain(route);
    const media = await runSimulatorCli(['media', '--url', simulator.baseUrl]);
    expect(media.code).toBe(0);
    expect(JSON.parse(media.stdout)).toMatchObject({ linkTtlSeconds: 3600, mediaBytes: 256 * 1024 });
  });

  it('is driven from the command line, and --help describes it', async () => {
    const help = await runSimulatorCli(['--help']);
    expect(help.code).toBe(0);
    for (const text of ['--port', 'SIMULATOR_URL', 'POST /_control/calls', 'fault <kind>', 'webhooks'])
      expect(help.stdout).toContain(text);
    const call = await runSimulatorCli(['call', '--url', simulator.baseUrl, '--direction', 'outbound']);
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout).events.map((e: { event: string }) => e.event)).toEqual([
      'call.created',
      'call.answered',
      'call.hungup',
      'call.ended',
    ]);
    expect(receiver.received.map((r) => r.event)).toEqual([
      'call.created',
      'call.answered',
      'call.hungup',
      'call.ended',
    ]);
    const refused = await runSimulatorCli(['end', '999', '--url', simulator.baseUrl]);
    expect(refused.code).toBe(1);
  });
});

describeEachEngine('simulator control surface drives the service', (database) => {
  let simulator: AircallSimulator;
  let app: TestApp;

  beforeAll(async () => {
    simulator = await AircallSimulator.start({ companies: [{ callCount: 3 }] });
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      WEBHOOK_CHECK_CRON: 'off',
    });
    app.config.PUBLIC_URL = app.baseUrl;
  });
  afterAll(async () => {
    await app?.close();
    await simulator?.close();
  });

  it('a call driven by hand lands in the database through the webhook the service registered', async () => {
    const company = simulator.company(0);
    await graphqlData(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `mutation ($apiId: String!, $apiToken: String!) { connectAccount(apiId: $apiId, apiToken: $apiToken) { id } }`,
      {
        apiId: company.apiId,
        apiToken: company.apiToken,
      },
    );
    // The backfill the connection started reads calls too: let it finish so only webhooks write this one.
    await app.get(SyncService).whenIdle();
    const webhooks = (await (await fetch(`${simulator.baseUrl}/_control/webhooks`)).json()) as {
      webhooks: unknown[];
    };
    expect(webhooks.webhooks).toEqual([
      expect.objectContaining({ url: `${app.baseUrl}/aircall/webhook`, active: true }),
    ]);
    const response = await fetch(`${simulator.baseUrl}/_control/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ direction: 'inbound' }),
    });
    const { call, events } = (await response.json()) as {
      call: { id: number };
      events: Array<{ deliveries: Array<{ status: number }> }>;
    };
    expect(events.map((e) => e.deliveries.map((d) => d.status))).toEqual([[200], [200], [200], [200], [200]]);
    const db = app.get(Database);
    const accountId = await accountIdOf(db, company);
    const rows = await waitFor(
      () =>
        db.query<{ status: string }>('SELECT status FROM calls WHERE account_id = ? AND id = ?', [
          accountId,
          call.id,
        ]),
      (found) => found.length === 1 && found[0].status === 'done',
      // On MySQL the inbox processor's own thread may still be starting.
      30_000,
    );
    expect(rows).toEqual([{ status: 'done' }]);
    const inbox = await waitFor(
      () =>
        db.query<{ event: string; status: string }>(
          'SELECT event, status FROM webhook_events WHERE account_id = ? AND resource_id = ? ORDER BY event_timestamp, event',
          [accountId, call.id],
        ),
      (found) => found.length === 5 && found.every((row) => row.status === 'applied'),
    );
    expect(inbox.map((row) => row.event).sort()).toEqual([
      'call.answered',
      'call.created',
      'call.ended',
      'call.hungup',
      'call.ringing_on_agent',
    ]);
  });
});
