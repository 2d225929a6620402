import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AircallClient } from '../src/aircall/aircall-client';
import { AircallCredentials } from '../src/aircall/aircall-credentials';
import {
  AircallAuthError,
  AircallBadResponseError,
  AircallNetworkError,
  AircallNotFoundError,
  AircallRequestError,
  AircallServerError,
} from '../src/aircall/aircall-errors';
import { AircallCall, AircallWebhookEnvelope } from '../src/aircall/aircall-types';
import { loadConfig } from '../src/config/app-config';
import { AircallSimulator } from './simulator/aircall-simulator';
import { AircallSimulatorOptions } from './simulator/simulator-options';

const LIMIT = 60;
const WINDOW_MS = 600;

function clientFor(sim: AircallSimulator, env: Record<string, string> = {}): AircallClient {
  return new AircallClient(
    loadConfig({
      AIRCALL_API_URL: sim.baseUrl,
      AIRCALL_RATE_LIMIT: String(LIMIT),
      AIRCALL_RATE_WINDOW_MS: String(WINDOW_MS),
      AIRCALL_RETRY_BASE_MS: '5',
      AIRCALL_REQUEST_TIMEOUT_MS: '30000',
      AIRCALL_CLIENT_ID: 'sim-client-id',
      AIRCALL_CLIENT_SECRET: 'sim-client-secret',
      ...env,
    }),
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('AircallClient against the Aircall simulator', () => {
  let sim: AircallSimulator;
  let client: AircallClient;
  let credentials: AircallCredentials;

  async function startSimulator(
    options: AircallSimulatorOptions = {},
    env: Record<string, string> = {},
  ): Promise<void> {
    sim = await AircallSimulator.start({
      rateLimit: LIMIT,
      rateWindowMs: WINDOW_MS,
      callsPerCompany: 1000,
      ...options,
    });
    client = clientFor(sim, env);
    credentials = sim.company().credentials;
  }

  afterEach(async () => {
    await sim?.close();
  });

  describe('listing calls', () => {
    beforeEach(() => startSimulator());

    it('pages through every call with Aircall meta and absolute links', async () => {
      const first = await client.listCalls(credentials, { page: 1 });
      expect(first.meta).toMatchObject({
        count: 50,
        total: 1000,
        current_page: 1,
        per_page: 50,
        previous_page_link: null,
      });
      expect(first.meta.next_page_link).toMatch(new RegExp(`^${sim.baseUrl}/v1/calls\\?.*page=2`));
      expect(first.serverTime).toBeInstanceOf(Date);
      expect(Math.abs(first.serverTime.getTime() - Date.now())).toBeLessThan(5000);

      const seen = new Set<number>();
      let previousStart = -Infinity;
      for (let page = 1; page <= 20; page += 1) {
        const { calls, meta } = await client.listCalls(credentials, { page });
        for (const call of calls) {
          seen.add(call.id);
          expect(call.started_at!).toBeGreaterThanOrEqual(previousStart);
          previousStart = call.started_at!;
        }
        if (page === 20) {
          expect(meta.next_page_link).toBeNull();
          expect(meta.previous_page_link).toMatch(/page=19/);
        }
      }
      expect(seen.size).toBe(1000);
    });

    it('returns full call objects with nested user, number, teams, tags and comments', async () => {
      const { calls } = await client.listCalls(credentials, { page: 1 });
      const answeredInbound = calls.find((call) => call.direction === 'inbound' && call.answered_at !== null);
      const missed = calls.find((call) => call.missed_call_reason !== null);
      expect(answeredInbound?.user?.id).toEqual(expect.any(Number));
      expect(answeredInbound?.number?.digits).toEqual(expect.any(String));
      expect(missed?.answered_at).toBeNull();
      expect(missed?.direction).toBe('inbound');
      expect(calls.every((call) => call.duration === call.ended_at! - call.started_at!)).toBe(true);
      expect(calls.some((call) => (call.tags ?? []).length > 0)).toBe(true);
      expect(calls.every((call) => call.id > 2 ** 31)).toBe(true);
      const single = await client.getCall(credentials, String(calls[3].id));
      // Media links are signed at each read, so two reads in different seconds differ in them only.
      const unsigned = (call: AircallCall) => {
        const copy: Record<string, unknown> = { ...call };
        for (const field of ['recording', 'voicemail', 'recording_short_url', 'voicemail_short_url'])
          if (typeof copy[field] === 'string') copy[field] = String(copy[field]).split('?')[0];
        return copy;
      };
      expect(unsigned(single.call)).toEqual(unsigned(calls[3]));
    });

    it('answers 400 past the 10,000-record cap whatever the total, without retrying', async () => {
      const error = await rejection(client.listCalls(credentials, { page: 201, perPage: 50 }));
      expect(error).toBeInstanceOf(AircallRequestError);
      expect(error).toMatchObject({ status: 400, retryable: false, aircallError: 'Bad Request' });
      // Aircall's own body (recorded body 12): the explanation is in `errors`.
      expect(error).toMatchObject({ troubleshoot: 'BAD_REQUEST' });
      expect((error as AircallRequestError).detail).toMatch(/limited to 10k results/);
      expect((error as Error).message).toMatch(/limited to 10k results/);
      expect(sim.stats.requests).toBe(1);
      await expect(client.listCalls(credentials, { page: 200, perPage: 50 })).resolves.toMatchObject({
        calls: [],
      });
    });

    it('clamps per_page to 50 and defaults it to 20', async () => {
      const clamped = await client.listCalls(credentials, { perPage: 100 });
      expect(clamped.meta.per_page).toBe(50);
      expect(clamped.calls).toHaveLength(50);
      const raw = await fetch(`${sim.baseUrl}/v1/calls`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${sim.company().apiId}:${sim.company().apiToken}`).toString('base64')}`,
        },
      });
      const body = (await raw.json()) as { calls: AircallCall[]; meta: { per_page: number } };
      expect(body.meta.per_page).toBe(20);
      expect(body.calls).toHaveLength(20);
    });

    it('treats from as exclusive and to as inclusive on started_at, in either order', async () => {
      const store = sim.company().calls;
      const start = store.startedAtOf(100);
      const end = store.startedAtOf(300);
      const expected = Array.from({ length: 1000 }, (_, index) => store.startedAtOf(index)).filter(
        (at) => at > start && at <= end,
      ).length;

      const asc = await client.listCalls(credentials, { from: start, to: end, perPage: 50 });
      expect(asc.meta.total).toBe(expected);
      expect(asc.calls.every((call) => call.started_at! > start && call.started_at! <= end)).toBe(true);
      const desc = await client.listCalls(credentials, {
        from: start,
        to: end,
        order: 'desc',
        page: Math.ceil(expected / 50),
      });
      expect(desc.calls[desc.calls.length - 1].id).toBe(asc.calls[0].id);

      const exactlyAt = await client.listCalls(credentials, { from: end - 1, to: end });
      expect(exactlyAt.calls.length).toBeGreaterThan(0);
      expect(exactlyAt.calls.every((call) => call.started_at === end)).toBe(true);
      expect((await client.listCalls(credentials, { from: end, to: end })).meta.total).toBe(0);
    });

    it('lists calls a test added or changed in their place', async () => {
      const company = sim.company();
      const target = company.calls.idOf(10);
      company.tag(target, company.directory.tags[0].id);
      company.archive(target);
      const added = company.calls.add((id) => ({
        ...company.calls.get(company.calls.idOf(500))!,
        id,
        status: 'answered',
        ended_at: null,
      }));
      const tagged = await client.getCall(credentials, target);
      expect(tagged.call.archived).toBe(true);
      expect(tagged.call.tags?.map((tag) => tag.id)).toContain(company.directory.tags[0].id);
      const around = await client.listCalls(credentials, {
        from: added.started_at! - 1,
        to: added.started_at!,
      });
      expect(around.calls.map((call) => call.id)).toContain(added.id);
      expect((await client.listCalls(credentials, {})).meta.total).toBe(1001);
    });
  });

  it('generates the same calls from the same seed, and 200,000 of them without storing them', async () => {
    const now = Math.floor(Date.now() / 1000);
    const spec = { callCount: 200_000, seed: 7, callsFrom: now - 90 * 86_400, callsTo: now };
    await startSimulator({ companies: [spec] });
    const twin = await AircallSimulator.start({ companies: [spec] });
    try {
      const strip = (call: AircallCall, base: string) =>
        JSON.parse(JSON.stringify(call).split(base).join('BASE')) as unknown;
      const mine = sim.company().calls;
      const theirs = twin.company().calls;
      for (const index of [0, 1234, 199_999])
        expect(strip(theirs.get(theirs.idOf(index))!, twin.baseUrl)).toEqual(
          strip(mine.get(mine.idOf(index))!, sim.baseUrl),
        );

      const all = await client.listCalls(credentials, {});
      expect(all.meta.total).toBe(200_000);
      const from = mine.startedAtOf(150_000);
      const deep = await client.listCalls(credentials, { from, to: from + 3600, page: 2 });
      expect(deep.calls.length).toBeGreaterThan(0);
      expect(deep.calls.every((call) => call.started_at! > from && call.started_at! <= from + 3600)).toBe(
        true,
      );
    } finally {
      await twin.close();
    }
  });

  it('adds a live call and ends it, as a test drives a call through its events', async () => {
    await startSimulator();
    const company = sim.company();
    const live = company.addCall({ status: 'initial', answered_at: null, ended_at: null, duration: 0 });
    expect(live.id).toBeGreaterThan(company.calls.idOf(999));
    expect((await client.getCall(credentials, live.id)).call).toMatchObject({
      status: 'initial',
      ended_at: null,
    });
    const ended = company.end(live.id, live.started_at! + 42);
    expect(ended).toMatchObject({ status: 'done', duration: 42 });
    expect((await client.getCall(credentials, live.id)).call).toMatchObject({
      status: 'done',
      ended_at: live.started_at! + 42,
    });
    expect(
      (await client.listCalls(credentials, { from: live.started_at! - 1, to: live.started_at! })).calls.map(
        (call) => call.id,
      ),
    ).toContain(live.id);
  });

  it('serves only the configured history', async () => {
    const now = Math.floor(Date.now() / 1000);
    await startSimulator({
      companies: [{ callCount: 1000, callsFrom: now - 366 * 86_400, callsTo: now }],
      historyDays: 183,
    });
    const { calls, meta } = await client.listCalls(credentials, {});
    expect(meta.total).toBeGreaterThan(450);
    expect(meta.total).toBeLessThan(550);
    expect(calls[0].started_at!).toBeGreaterThanOrEqual(now - 183 * 86_400 - 5);
  });

  describe('pacing', () => {
    beforeEach(() => startSimulator());

    it('sends a burst of 3x the limit without a single 429, spread over at least two windows', async () => {
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 3 * LIMIT }, (_, i) =>
          client.listCalls(credentials, { page: (i % 20) + 1, perPage: 5 }),
        ),
      );
      const elapsed = Date.now() - started;
      expect(results).toHaveLength(3 * LIMIT);
      expect(client.stats).toEqual({ requests: 3 * LIMIT, rateLimited: 0, retries: 0 });
      expect(sim.stats.rateLimited).toBe(0);
      expect(client.stats.rateLimited).toBe(0);
      expect(sim.stats.requests).toBe(3 * LIMIT);
      expect(elapsed).toBeGreaterThanOrEqual(2 * WINDOW_MS);
    });

    it('uses at least 95% of the budget under sustained demand', async () => {
      // A few workers, as a batch sync runs: the window is scaled down 100x, so one in-process
      // request's latency would otherwise weigh 100x more than against Aircall.
      const started = Date.now();
      let requests = 0;
      const worker = async () => {
        while (Date.now() - started < 5 * WINDOW_MS) {
          await client.getCompany(credentials);
          requests += 1;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const elapsedWindows = (Date.now() - started) / WINDOW_MS;
      expect(sim.stats.rateLimited).toBe(0);
      // Whole windows only: the last one may have been cut short by the loop's end.
      expect(requests).toBeGreaterThanOrEqual(Math.floor(elapsedWindows) * LIMIT * 0.95);
    });

    it('waits out a 429 when someone else used the budget, then succeeds', async () => {
      const resetAt = sim.exhaustRateLimit(sim.company().id);
      const { call } = await client.getCall(credentials, sim.company().calls.idOf(1));
      expect(call.id).toBe(sim.company().calls.idOf(1));
      expect(Date.now()).toBeGreaterThanOrEqual(resetAt);
      expect(sim.stats.rateLimited).toBe(1);
      expect(client.stats).toMatchObject({ rateLimited: 1, retries: 1 });
    });

    it('keeps companies independent', async () => {
      await sim.close();
      await startSimulator({ companies: 2 });
      sim.exhaustRateLimit(sim.company(1).id);
      const started = Date.now();
      await client.listCalls(sim.company(0).credentials, {});
      expect(Date.now() - started).toBeLessThan(WINDOW_MS / 2);
      expect(sim.stats.rateLimited).toBe(0);
    });
  });

  describe('failures', () => {
    beforeEach(() => startSimulator());

    it('retries 5xx answers and succeeds', async () => {
      sim.faults.add({ kind: 'status', status: 503, count: 2, pathPrefix: '/v1/calls' });
      const { calls } = await client.listCalls(credentials, {});
      expect(calls).toHaveLength(50);
      expect(sim.stats.requests).toBe(3);
      expect(client.stats.retries).toBe(2);
    });

    it('gives up on a persistent 5xx with AircallServerError after the bounded attempts', async () => {
      sim.faults.add({ kind: 'status', status: 500, count: 100 });
      const error = await rejection(client.listCalls(credentials, {}));
      expect(error).toBeInstanceOf(AircallServerError);
      expect(error).toMatchObject({ status: 500, retryable: true });
      expect(sim.stats.requests).toBe(5);
    });

    it('reports a body that is not JSON as AircallBadResponseError after retrying', async () => {
      sim.faults.add({ kind: 'garbage', count: 100 });
      const error = await rejection(client.listCalls(credentials, {}));
      expect(error).toBeInstanceOf(AircallBadResponseError);
      expect(sim.stats.requests).toBe(5);
    });

    it('reports JSON of the wrong shape as AircallBadResponseError, and recovers when it stops', async () => {
      sim.faults.add({ kind: 'wrong-shape', count: 5 });
      expect(await rejection(client.listUsers(credentials))).toBeInstanceOf(AircallBadResponseError);
      sim.faults.add({ kind: 'wrong-shape', count: 1 });
      await expect(client.listUsers(credentials)).resolves.toMatchObject({ meta: { total: 12 } });
    });

    it('times out a request that hangs and retries it', async () => {
      sim.faults.add({ kind: 'hang', count: 1 });
      const impatient = clientFor(sim, { AIRCALL_REQUEST_TIMEOUT_MS: '300' });
      const started = Date.now();
      await expect(impatient.getCompany(credentials)).resolves.toMatchObject({ name: sim.company().name });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(impatient.stats.retries).toBe(1);
    });

    it('reports a dropped connection as AircallNetworkError after retrying', async () => {
      sim.faults.add({ kind: 'reset', count: 100 });
      expect(await rejection(client.getCompany(credentials))).toBeInstanceOf(AircallNetworkError);
      expect(sim.stats.requests).toBe(5);
    });

    it('fails with AircallAuthError at once on wrong credentials, with no retry and no secret in the message', async () => {
      const wrong: AircallCredentials = {
        kind: 'basic',
        apiId: sim.company().apiId,
        apiToken: 'not-the-token-4242',
      };
      const error = await rejection(client.listCalls(wrong, {}));
      expect(error).toBeInstanceOf(AircallAuthError);
      expect(error).toMatchObject({ status: 401, retryable: false });
      expect((error as Error).message).not.toContain('not-the-token-4242');
      expect(sim.stats.requests).toBe(1);
      expect(client.stats.retries).toBe(0);
    });

    it('fails with AircallAuthError once the credentials are revoked', async () => {
      await client.getCompany(credentials);
      sim.revokeCredentials(sim.company().id);
      expect(await rejection(client.getCompany(credentials))).toBeInstanceOf(AircallAuthError);
    });

    it('maps 404 to AircallNotFoundError', async () => {
      expect(await rejection(client.getCall(credentials, 42))).toBeInstanceOf(AircallNotFoundError);
      expect(sim.stats.requests).toBe(1);
    });
  });

  describe('directory', () => {
    beforeEach(() => startSimulator({ companies: [{ users: 120, teams: 3, numbers: 4, tags: 6 }] }));

    it('reads every page of users from /v2/users, 50 at a time', async () => {
      const pages: number[] = [];
      for await (const users of client.allUsers(credentials)) pages.push(users.length);
      expect(pages).toEqual([50, 50, 20]);
      expect(sim.requestLog.every((entry) => entry.path === '/v2/users')).toBe(true);
    });

    it('reads teams with their members, numbers, tags and the company', async () => {
      const teams: number[] = [];
      for await (const page of client.allTeams(credentials))
        teams.push(...page.map((team) => team.users?.length ?? 0));
      expect(teams).toHaveLength(3);
      expect(teams.every((members) => members > 0)).toBe(true);
      expect((await client.listNumbers(credentials)).numbers).toHaveLength(4);
      expect((await client.listTags(credentials)).meta.total).toBe(6);
      // Aircall names the company but gives no id (recorded body 13).
      expect(await client.getCompany(credentials)).toEqual({
        name: sim.company().name,
        users_count: 120,
        numbers_count: 4,
      });
    });
  });

  describe('OAuth', () => {
    beforeEach(() => startSimulator());
    const redirectUri = 'http://127.0.0.1:3999/oauth/callback';

    async function authorize(state: string): Promise<URL> {
      const query = new URLSearchParams({
        client_id: 'sim-client-id',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'public_api',
        state,
      });
      const response = await fetch(`${sim.dashboardUrl}/oauth/authorize?${query}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      return new URL(response.headers.get('location')!);
    }

    it('exchanges a dashboard code for a token that identifies the integration', async () => {
      const callback = await authorize('state-123');
      expect(callback.searchParams.get('state')).toBe('state-123');
      const token = await client.exchangeOAuthCode(callback.searchParams.get('code')!, redirectUri);
      expect(token).toMatchObject({ tokenType: 'Bearer', scope: 'public_api' });
      const integration = await client.getIntegration({ kind: 'oauth', accessToken: token.accessToken });
      expect(integration.company_id).toBe(sim.company().id);
      await expect(
        client.listCalls({ kind: 'oauth', accessToken: token.accessToken }, {}),
      ).resolves.toMatchObject({ meta: { total: 1000 } });
    });

    it('refuses a code used twice or with another redirect_uri', async () => {
      const code = (await authorize('s')).searchParams.get('code')!;
      expect(
        await rejection(client.exchangeOAuthCode(code, 'http://127.0.0.1:3999/elsewhere')),
      ).toBeInstanceOf(AircallRequestError);
      await client.exchangeOAuthCode(code, redirectUri);
      const reused = await rejection(client.exchangeOAuthCode(code, redirectUri));
      expect(reused).toBeInstanceOf(AircallRequestError);
      expect(reused).toMatchObject({ status: 400, aircallError: 'invalid_grant' });
    });

    it('refuses a wrong client secret with AircallAuthError', async () => {
      const code = (await authorize('s')).searchParams.get('code')!;
      const wrongSecret = clientFor(sim, { AIRCALL_CLIENT_SECRET: 'not-the-secret' });
      expect(await rejection(wrongSecret.exchangeOAuthCode(code, redirectUri))).toBeInstanceOf(
        AircallAuthError,
      );
    });

    it('redirects with access_denied when the admin refuses, and validates the request', async () => {
      sim.oauth.denyConsent = true;
      const callback = await authorize('s2');
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('code')).toBeNull();
      const bad = await fetch(
        `${sim.dashboardUrl}/oauth/authorize?client_id=sim-client-id&redirect_uri=${redirectUri}&response_type=token&scope=public_api`,
        {
          redirect: 'manual',
        },
      );
      expect(bad.status).toBe(400);
    });

    it('rejects /v1/integrations/me for Basic credentials', async () => {
      expect(await rejection(client.getIntegration(credentials))).toBeInstanceOf(AircallAuthError);
    });
  });

  describe('webhooks', () => {
    let receiver: Server;
    let received: Array<{ headers: IncomingMessage['headers']; body: AircallWebhookEnvelope }>;
    let receiverUrl: string;
    let answerStatus: number;

    beforeEach(async () => {
      await startSimulator();
      received = [];
      answerStatus = 200;
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({
            headers: request.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AircallWebhookEnvelope,
          });
          response.writeHead(answerStatus).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/aircall/webhook`;
    });

    afterEach(async () => {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    });

    it('creates, lists, reads, updates and deletes a webhook', async () => {
      const created = await client.createWebhook(credentials, {
        url: receiverUrl,
        events: ['call.created', 'call.ended'],
        customName: 'sync',
      });
      expect(created.webhook_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created).toMatchObject({
        url: receiverUrl,
        active: true,
        events: ['call.created', 'call.ended'],
      });
      expect(created.token).toEqual(expect.any(String));

      const listed = await client.listWebhooks(credentials);
      expect(listed.map((webhook) => webhook.webhook_id)).toEqual([created.webhook_id]);
      // The live list returns each webhook's token too (recorded body 10).
      expect(listed[0].token).toBe(created.token);
      expect((await client.getWebhook(credentials, created.webhook_id)).token).toBe(created.token);

      const deactivated = await client.updateWebhook(credentials, created.webhook_id, { active: false });
      expect(deactivated).toMatchObject({ active: false, events: ['call.created', 'call.ended'] });
      const reactivated = await client.updateWebhook(credentials, created.webhook_id, {
        active: true,
        events: ['call.tagged'],
      });
      expect(reactivated).toMatchObject({ active: true, events: ['call.tagged'] });

      await client.deleteWebhook(credentials, created.webhook_id);
      expect(await rejection(client.getWebhook(credentials, created.webhook_id))).toBeInstanceOf(
        AircallNotFoundError,
      );
      expect(await client.listWebhooks(credentials)).toEqual([]);
    });

    it('refuses unknown events and more than 100 webhooks', async () => {
      expect(
        await rejection(client.createWebhook(credentials, { url: receiverUrl, events: ['call.exploded'] })),
      ).toBeInstanceOf(AircallRequestError);
      for (let i = 0; i < 100; i += 1) sim.company().webhooks.create({ url: receiverUrl }, null, Date.now());
      const error = await rejection(client.createWebhook(credentials, { url: receiverUrl, events: [] }));
      expect(error).toMatchObject({ status: 400 });
      expect((await client.listWebhooks(credentials)).length).toBe(100);
    });

    it('shows an OAuth token only the webhooks it created', async () => {
      await client.createWebhook(credentials, { url: receiverUrl, events: ['call.created'] });
      const oauth: AircallCredentials = { kind: 'oauth', accessToken: sim.issueOAuthToken(sim.company().id) };
      const own = await client.createWebhook(oauth, { url: receiverUrl, events: ['call.ended'] });
      expect((await client.listWebhooks(oauth)).map((webhook) => webhook.webhook_id)).toEqual([
        own.webhook_id,
      ]);
      expect(await client.listWebhooks(credentials)).toHaveLength(2);
    });

    it('delivers events to subscribed active webhooks with their token, and deactivates after repeated failures', async () => {
      const subscribed = await client.createWebhook(credentials, {
        url: receiverUrl,
        events: ['call.ended'],
      });
      await client.createWebhook(credentials, { url: receiverUrl, events: ['call.created'] });
      const call = sim.company().calls.get(sim.company().calls.idOf(7))!;
      const results = await sim.emitCallEvent(sim.company().id, 'call.ended', call);
      expect(results).toEqual([{ webhookId: subscribed.webhook_id, url: receiverUrl, status: 200 }]);
      expect(received).toHaveLength(1);
      expect(received[0].body).toMatchObject({
        resource: 'call',
        event: 'call.ended',
        token: subscribed.token,
        data: { id: call.id },
      });
      expect(received[0].body.timestamp).toEqual(expect.any(Number));
      expect(received[0].headers['content-type']).toBe('application/json');

      answerStatus = 500;
      for (let i = 0; i < 10; i += 1) await sim.emitCallEvent(sim.company().id, 'call.ended', call);
      expect((await client.getWebhook(credentials, subscribed.webhook_id)).active).toBe(false);
      expect(await sim.emitCallEvent(sim.company().id, 'call.ended', call)).toEqual([]);
    });
  });
});
