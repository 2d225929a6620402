import { createHmac, randomBytes } from 'node:crypto';
import { AccountsService } from '../src/accounts/accounts.service';
import { subscribedEvents } from '../src/aircall/aircall-events';
import { sha256Hex } from '../src/crypto/hashing';
import { SecretBox } from '../src/crypto/secret-box';
import { Database } from '../src/database/database';
import { OAuthStateStore } from '../src/oauth/oauth-state';
import { SyncService } from '../src/sync/sync.service';
import { AircallSimulator } from './simulator/aircall-simulator';
import { DEFAULT_OAUTH_CLIENT } from './simulator/simulator-options';
import { describeEachEngine } from './support/databases';
import { startTestApp, TEST_ENCRYPTION_KEY, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

/** Aircall's 60 requests/minute, scaled to a second so the backfills every connection starts never make a test wait. */
const RATE_WINDOW_MS = 1000;

interface Step {
  status: number;
  location: string | null;
  body: string;
}

async function get(url: string): Promise<Step> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

describeEachEngine('OAuth install (Technology Partner)', (database) => {
  let simulator: AircallSimulator;
  let app: TestApp;
  let db: Database;

  beforeAll(async () => {
    simulator = await AircallSimulator.start({
      rateWindowMs: RATE_WINDOW_MS,
      companies: [{ id: 5_550_001, name: 'Acme <Support> & Co', callCount: 20 }],
    });
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_WINDOW_MS: String(RATE_WINDOW_MS),
      AIRCALL_DASHBOARD_URL: simulator.dashboardUrl,
      AIRCALL_CLIENT_ID: DEFAULT_OAUTH_CLIENT.clientId,
      AIRCALL_CLIENT_SECRET: DEFAULT_OAUTH_CLIENT.clientSecret,
      WEBHOOK_CHECK_CRON: 'off',
    });
    // Aircall must reach this very instance: PUBLIC_URL is only known once the app listens (it is read per request).
    app.config.PUBLIC_URL = app.baseUrl;
    db = app.get(Database);
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.close();
  });

  beforeEach(async () => {
    simulator.oauth.denyConsent = false;
    await app.get(SyncService).whenIdle();
    for (const table of ['webhook_events', 'sync_runs', 'account_identities', 'accounts'])
      await db.execute(`DELETE FROM ${table}`);
    for (const webhook of simulator.company(0).webhooks.all())
      simulator.company(0).webhooks.delete(webhook.webhook_id, null);
  });

  const accountCount = async () =>
    Number((await db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM accounts'))[0].n);

  /** Install → Aircall's consent page → back to our callback; returns each hop. */
  async function install(): Promise<{ start: Step; consent: Step; callback: Step; callbackUrl: string }> {
    const start = await get(`${app.baseUrl}/oauth/install`);
    const consent = await get(start.location!);
    const callbackUrl = consent.location!;
    return { start, consent, callbackUrl, callback: await get(callbackUrl) };
  }

  it('redirects to Aircall with client_id, our redirect_uri, response_type=code, scope=public_api and a state', async () => {
    const start = await get(`${app.baseUrl}/oauth/install`);
    expect(start.status).toBe(302);
    const target = new URL(start.location!);
    expect(`${target.origin}${target.pathname}`).toBe(`${simulator.dashboardUrl}/oauth/authorize`);
    expect(target.searchParams.get('client_id')).toBe(DEFAULT_OAUTH_CLIENT.clientId);
    expect(target.searchParams.get('redirect_uri')).toBe(`${app.baseUrl}/oauth/callback`);
    expect(target.searchParams.get('response_type')).toBe('code');
    expect(target.searchParams.get('scope')).toBe('public_api');
    expect(target.searchParams.get('state')).toMatch(/^[0-9a-f]{32}\.\d+\.[A-Za-z0-9_-]{43}$/);
  });

  it('connects the company end to end: sealed token, webhook at Aircall with every event, deliveries accepted', async () => {
    const { callback } = await install();
    expect(callback.status).toBe(200);
    expect(callback.body).toContain('Aircall account connected');
    // The company name is echoed HTML-escaped.
    expect(callback.body).toContain('Acme &#60;Support&#62; &#38; Co');
    expect(callback.body).not.toContain('<Support>');

    const [row] = await db.query<Record<string, unknown>>('SELECT * FROM accounts');
    // The account has an id of the service's own, and Aircall's company id beside it.
    const accountId = String(row.id);
    expect(String(row.aircall_company_id)).toBe('5550001');
    expect(callback.body).toContain('company 5550001');
    expect(row.auth_type).toBe('oauth');
    expect(row.status).toBe('active');
    expect(String(row.credentials)).toMatch(/^v1:/);

    const credentials = await app.get(AccountsService).credentialsFor(accountId);
    expect(credentials.kind).toBe('oauth');
    const accessToken = credentials.kind === 'oauth' ? credentials.accessToken : '';
    expect(simulator.oauth.tokenInfo(accessToken)?.companyId).toBe(5_550_001);
    expect(String(row.credentials)).not.toContain(accessToken);
    expect(callback.body).not.toContain(accessToken);

    const webhooks = simulator.company(0).webhooks.all();
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0].url).toBe(`${app.baseUrl}/aircall/webhook`);
    expect(webhooks[0].events).toEqual(expect.arrayContaining(subscribedEvents('oauth')));
    expect(row.webhook_id).toBe(webhooks[0].webhook_id);
    expect(row.webhook_token_hash).toBe(sha256Hex(webhooks[0].token));
    expect(JSON.stringify(row)).not.toContain(webhooks[0].token);

    const call = simulator.company(0).calls.get(simulator.company(0).calls.idOf(0))!;
    const deliveries = await simulator.emitCallEvent(5_550_001, 'call.created', call);
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    const stored = await db.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM webhook_events WHERE account_id = ?',
      [accountId],
    );
    expect(Number(stored[0].n)).toBe(1);
  });

  it('marks the account uninstalled on integration.deleted: token forgotten, no more syncs; a new install resumes it', async () => {
    await install();
    const [installed] = await db.query<{ id: unknown }>('SELECT id FROM accounts');
    const accountId = String(installed.id);
    await app.get(SyncService).whenIdle();
    // The admin uninstalls the app in Aircall: recorded body 05 reaches our webhook.
    expect((await simulator.uninstallApp(5_550_001)).map((d) => d.status)).toEqual([200]);
    await waitFor(
      () => db.query<{ status: string }>('SELECT status FROM accounts WHERE id = ?', [accountId]),
      (rows) => rows[0]?.status === 'uninstalled',
    );
    const [row] = await db.query<Record<string, unknown>>('SELECT * FROM accounts WHERE id = ?', [accountId]);
    expect(row).toMatchObject({ credentials: null, webhook_id: null, webhook_token_hash: null });
    expect(String(row.status_reason)).toMatch(/uninstalled/);
    const [event] = await db.query<{ status: string }>(
      `SELECT status FROM webhook_events WHERE account_id = ? AND event = 'integration.deleted'`,
      [accountId],
    );
    expect(event.status).toBe('applied');
    // No sync can run for it, and the scheduled tick leaves it out.
    await expect(app.get(SyncService).trigger(accountId, 'manual')).rejects.toThrow(/uninstalled/);
    expect((await app.get(AccountsService).activeAccounts()).map((a) => a.id)).toEqual([]);

    // Installed again: the same account, active, with a new webhook.
    const again = await install();
    expect(again.callback.status).toBe(200);
    const accounts = await db.query<{ id: unknown; status: string }>('SELECT id, status FROM accounts');
    expect(accounts.map((a) => [String(a.id), a.status])).toEqual([[accountId, 'active']]);
    expect(simulator.company(0).webhooks.all()).toHaveLength(1);
  });

  it('refuses a tampered state and stores nothing', async () => {
    const start = await get(`${app.baseUrl}/oauth/install`);
    const consent = await get(start.location!);
    const back = new URL(consent.location!);
    const state = back.searchParams.get('state')!;
    const [nonce, expiry, signature] = state.split('.');
    back.searchParams.set('state', `${nonce}.${Number(expiry) + 3600}.${signature}`);
    const callback = await get(back.toString());
    expect(callback.status).toBe(400);
    expect(callback.body).toContain('invalid or was altered');
    expect(await accountCount()).toBe(0);
    expect(simulator.company(0).webhooks.all()).toHaveLength(0);
  });

  it('refuses a replayed state (the second use of one callback) and stores nothing more', async () => {
    const { callback, callbackUrl } = await install();
    expect(callback.status).toBe(200);
    await db.execute('DELETE FROM accounts');
    const replay = await get(callbackUrl);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('already used');
    expect(await accountCount()).toBe(0);
  });

  it('refuses an expired state and stores nothing', async () => {
    const stale = app.get(OAuthStateStore).issue(new Date(Date.now() - 11 * 60_000));
    const callback = await get(
      `${app.baseUrl}/oauth/callback?code=whatever&state=${encodeURIComponent(stale)}`,
    );
    expect(callback.status).toBe(400);
    expect(callback.body).toContain('expired');
    expect(await accountCount()).toBe(0);
  });

  it('refuses a state signed with another key, even one never seen', async () => {
    const key = new SecretBox(randomBytes(32)).deriveKey('oauth-state');
    const payload = `${randomBytes(16).toString('hex')}.${Math.floor(Date.now() / 1000) + 300}`;
    const forged = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
    const callback = await get(`${app.baseUrl}/oauth/callback?code=x&state=${forged}`);
    expect(callback.status).toBe(400);
    // …whereas the right key (derived from ENCRYPTION_KEY) but an unknown nonce is a replay, not a valid state.
    const ours = new SecretBox(Buffer.from(TEST_ENCRYPTION_KEY, 'base64')).deriveKey('oauth-state');
    const unknown = `${payload}.${createHmac('sha256', ours).update(payload).digest('base64url')}`;
    expect((await get(`${app.baseUrl}/oauth/callback?code=x&state=${unknown}`)).status).toBe(400);
    expect(await accountCount()).toBe(0);
  });

  it('shows a cancellation page when the admin denies access, and stores nothing', async () => {
    simulator.oauth.denyConsent = true;
    const { callback } = await install();
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('Installation cancelled');
    expect(await accountCount()).toBe(0);
  });

  it('shows an error page when Aircall refuses the code, and stores nothing', async () => {
    const start = await get(`${app.baseUrl}/oauth/install`);
    const consent = await get(start.location!);
    const back = new URL(consent.location!);
    back.searchParams.set('code', 'not-a-code-aircall-issued');
    const callback = await get(back.toString());
    expect(callback.status).toBe(400);
    expect(callback.body).toContain('Authorization code rejected');
    expect(await accountCount()).toBe(0);
    expect(simulator.company(0).webhooks.all()).toHaveLength(0);
  });

  it('escapes whatever Aircall (or an attacker) puts in the error parameter', async () => {
    const state = app.get(OAuthStateStore).issue();
    const callback = await get(
      `${app.baseUrl}/oauth/callback?state=${encodeURIComponent(state)}&error=${encodeURIComponent('<script>alert(1)</script>')}`,
    );
    expect(callback.status).toBe(400);
    expect(callback.body).not.toContain('<script>');
    expect(callback.body).toContain('&#60;script&#62;');
  });
});

describeEachEngine('OAuth install without an Aircall app configured', (database) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(database().url, { WEBHOOK_CHECK_CRON: 'off' });
  });
  afterAll(async () => app?.close());

  it('answers /oauth/install with a 503 page naming the missing settings', async () => {
    const response = await get(`${app.baseUrl}/oauth/install`);
    expect(response.status).toBe(503);
    expect(response.body).toContain('AIRCALL_CLIENT_ID');
  });

  it('answers a callback with the same 503 page, storing nothing', async () => {
    const response = await get(`${app.baseUrl}/oauth/callback?code=abc&state=def`);
    expect(response.status).toBe(503);
    expect(response.body).toContain('AIRCALL_CLIENT_SECRET');
  });
});
