import { AccountNotConnectedError } from '../src/accounts/account-errors';
import { AccountLifecycle } from '../src/accounts/account-events';
import { AccountsService } from '../src/accounts/accounts.service';
import { AircallClient } from '../src/aircall/aircall-client';
import { REQUIRED_EVENTS, subscribedEvents } from '../src/aircall/aircall-events';
import { sha256Hex } from '../src/crypto/hashing';
import { Database } from '../src/database/database';
import { LeaseService } from '../src/leases/lease.service';
import { WebhookHealthCheck } from '../src/accounts/webhook-health-check';
import { WebhookRegistrar } from '../src/accounts/webhook-registrar';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { seedLease } from './support/seed';

/** Aircall's 60 requests/minute, scaled to a second so the backfills every connection starts never make a test wait. */
const RATE_WINDOW_MS = 1000;

const REGISTER = 'mutation ($id: ID!) { registerWebhook(accountId: $id) { id webhookId webhookActive } }';
const UNREGISTER = 'mutation ($id: ID!) { unregisterWebhook(accountId: $id) { id webhookId webhookActive } }';

describeEachEngine('Webhook registration and health check', (database) => {
  let simulator: AircallSimulator;
  let app: TestApp;
  let db: Database;
  let company: SimulatedCompany;
  const repaired: Array<{ accountId: string; gapFrom: Date }> = [];
  /** The account the company is connected as, in each test (the service gives it an id of its own). */
  let ACCOUNT_ID: string;

  beforeAll(async () => {
    simulator = await AircallSimulator.start({
      rateWindowMs: RATE_WINDOW_MS,
      companies: [{ id: 8_000_001, name: 'Initech', callCount: 5 }],
    });
    company = simulator.company(0);
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_WINDOW_MS: String(RATE_WINDOW_MS),
      WEBHOOK_CHECK_CRON: 'off',
    });
    app.config.PUBLIC_URL = app.baseUrl;
    db = app.get(Database);
    app
      .get(AccountLifecycle)
      .on('webhookRepaired', (accountId, gapFrom) => void repaired.push({ accountId, gapFrom }));
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.close();
  });

  beforeEach(async () => {
    for (const table of ['leases', 'account_identities', 'accounts'])
      await db.execute(`DELETE FROM ${table}`);
    for (const webhook of company.webhooks.all()) company.webhooks.delete(webhook.webhook_id, null);
    company.apiKeyActive = true;
    repaired.length = 0;
    const { connectAccount } = await graphqlData<{ connectAccount: { id: string } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation ($a: String!, $t: String!) { connectAccount(apiId: $a, apiToken: $t) { id } }',
      {
        a: company.apiId,
        t: company.apiToken,
      },
    );
    ACCOUNT_ID = connectAccount.id;
  });

  const ours = () =>
    company.webhooks.all().filter((webhook) => webhook.url === `${app.baseUrl}/aircall/webhook`);
  const stored = async () =>
    (
      await db.query<Record<string, unknown>>(
        'SELECT webhook_id, webhook_token_hash, webhook_active, webhook_checked_at FROM accounts WHERE id = ?',
        [ACCOUNT_ID],
      )
    )[0];
  const register = () =>
    graphqlData<{ registerWebhook: { webhookId: string } }>(app.baseUrl, TEST_ADMIN_KEY, REGISTER, {
      id: ACCOUNT_ID,
    });
  const deliver = async (token: string) =>
    (
      await fetch(`${app.baseUrl}/aircall/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resource: 'call',
          event: 'call.created',
          timestamp: 1_700_000_000,
          token,
          data: company.calls.get(company.calls.idOf(0)),
        }),
      })
    ).status;

  it('is idempotent: registering again keeps exactly one webhook at Aircall, the same one', async () => {
    const first = ours()[0];
    const { registerWebhook } = await register();
    await register();
    expect(ours()).toHaveLength(1);
    expect(ours()[0].webhook_id).toBe(first.webhook_id);
    expect(registerWebhook.webhookId).toBe(first.webhook_id);
    expect((await stored()).webhook_token_hash).toBe(sha256Hex(first.token));
  });

  it('removes duplicates of ours and replaces an incomplete one, leaving other integrations alone', async () => {
    const url = `${app.baseUrl}/aircall/webhook`;
    const extra = company.webhooks.create({ url, events: subscribedEvents('basic') }, null, Date.now());
    const foreign = company.webhooks.create(
      { url: 'https://crm.example.com/hooks/aircall', events: ['call.ended'] },
      null,
      Date.now(),
    );
    for (const webhook of ours())
      company.webhooks.update(webhook.webhook_id, { events: ['call.created'] }, null, null);

    await register();
    expect(ours()).toHaveLength(1);
    expect(ours()[0].webhook_id).not.toBe(extra.webhook_id);
    expect(ours()[0].events).toEqual(expect.arrayContaining(subscribedEvents('basic')));
    expect(company.webhooks.all().map((w) => w.webhook_id)).toContain(foreign.webhook_id);
    expect((await stored()).webhook_token_hash).toBe(sha256Hex(ours()[0].token));
  });

  it('keeps exactly one webhook of ours when the company has more than 50 (the list has no page links)', async () => {
    // Other integrations' webhooks first, so ours are on the second page of GET /v1/webhooks.
    for (const webhook of ours()) company.webhooks.delete(webhook.webhook_id, null);
    for (let i = 0; i < 60; i += 1)
      company.webhooks.create(
        { url: `https://crm-${i}.example.com/hook`, events: ['call.ended'] },
        null,
        Date.now(),
      );
    const url = `${app.baseUrl}/aircall/webhook`;
    const first = company.webhooks.create({ url, events: subscribedEvents('basic') }, null, Date.now());
    const second = company.webhooks.create({ url, events: subscribedEvents('basic') }, null, Date.now());
    await register();
    await register();
    expect(ours()).toHaveLength(1);
    expect([first.webhook_id, second.webhook_id]).toContain(ours()[0].webhook_id);
    expect(company.webhooks.all()).toHaveLength(61);
    expect((await stored()).webhook_token_hash).toBe(sha256Hex(ours()[0].token));
  });

  it("upgrades a webhook registered with the deprecated V1 user events to today's events", async () => {
    const [webhook] = ours();
    const v1 = webhook.events
      .filter((event) => !event.startsWith('user.'))
      .concat(['user.created', 'user.closed']);
    company.webhooks.update(webhook.webhook_id, { events: v1 }, null, null);
    const results = await app.get(WebhookHealthCheck).runOnce();
    expect(results?.get(ACCOUNT_ID)).toBe('upgraded');
    expect(ours()).toHaveLength(1);
    expect(ours()[0].webhook_id).toBe(webhook.webhook_id);
    expect(ours()[0].events).toEqual(expect.arrayContaining(subscribedEvents('basic')));
    expect(ours()[0].events).not.toContain('user.created');
  });

  it('falls back to the events it applies when Aircall refuses a newer event family', async () => {
    for (const webhook of ours()) company.webhooks.delete(webhook.webhook_id, null);
    company.webhooks.refusedEvents.add('ai_voice_agent.started');
    try {
      await register();
      expect(ours()).toHaveLength(1);
      expect(ours()[0].events).toEqual([...REQUIRED_EVENTS]);
    } finally {
      company.webhooks.refusedEvents.clear();
    }
  });

  it('unregisters: deleted at Aircall, columns cleared, the old token refused at once', async () => {
    const token = ours()[0].token;
    expect(await deliver(token)).toBe(200);
    const { unregisterWebhook } = await graphqlData<{
      unregisterWebhook: { webhookId: string | null; webhookActive: boolean | null };
    }>(app.baseUrl, TEST_ADMIN_KEY, UNREGISTER, { id: ACCOUNT_ID });
    expect(unregisterWebhook).toEqual({ id: ACCOUNT_ID, webhookId: null, webhookActive: null });
    expect(ours()).toHaveLength(0);
    expect(await stored()).toMatchObject({ webhook_id: null, webhook_token_hash: null });
    expect(await deliver(token)).toBe(401);
  });

  it('stores nothing and removes the new webhook at Aircall when the account is disconnected meanwhile', async () => {
    for (const webhook of ours()) company.webhooks.delete(webhook.webhook_id, null);
    const aircall = app.get(AircallClient);
    const create = aircall.createWebhook.bind(aircall);
    let createdToken: string | null = null;
    // The disconnect lands after Aircall created the webhook and before it is stored.
    const spy = jest.spyOn(aircall, 'createWebhook').mockImplementation(async (...args) => {
      const created = await create(...args);
      createdToken = created.token ?? null;
      await app.get(AccountsService).forget(ACCOUNT_ID, false);
      return created;
    });
    try {
      await expect(app.get(WebhookRegistrar).register(ACCOUNT_ID)).rejects.toBeInstanceOf(
        AccountNotConnectedError,
      );
    } finally {
      spy.mockRestore();
    }
    expect(createdToken).not.toBeNull();
    expect(ours()).toHaveLength(0);
    expect(await stored()).toMatchObject({ webhook_id: null, webhook_token_hash: null });
    expect(await deliver(createdToken!)).toBe(401);
  });

  it('re-activates a webhook Aircall deactivated and asks for a sync from when it was last healthy', async () => {
    const webhook = ours()[0];
    const lastHealthy = app.get(Database).parseDate((await stored()).webhook_checked_at)!;
    simulator.deactivateWebhook(company.id, webhook.webhook_id);

    const results = await app.get(WebhookHealthCheck).runOnce();
    expect(results?.get(ACCOUNT_ID)).toBe('reactivated');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ webhook_id: webhook.webhook_id, active: true });
    expect(ours()[0].events).toEqual(expect.arrayContaining(subscribedEvents('basic')));
    const row = await stored();
    expect(app.get(Database).parseBool(row.webhook_active)).toBe(true);
    expect(app.get(Database).parseDate(row.webhook_checked_at)!.getTime()).toBeGreaterThan(
      lastHealthy.getTime(),
    );
    expect(repaired).toEqual([{ accountId: ACCOUNT_ID, gapFrom: lastHealthy }]);
    expect(await deliver(webhook.token)).toBe(200);
  });

  it('registers a new webhook when Aircall deleted ours, and the new token works', async () => {
    const old = ours()[0];
    company.webhooks.delete(old.webhook_id, null);

    const results = await app.get(WebhookHealthCheck).runOnce();
    expect(results?.get(ACCOUNT_ID)).toBe('recreated');
    expect(ours()).toHaveLength(1);
    const fresh = ours()[0];
    expect(fresh.webhook_id).not.toBe(old.webhook_id);
    expect(await stored()).toMatchObject({
      webhook_id: fresh.webhook_id,
      webhook_token_hash: sha256Hex(fresh.token),
    });
    expect(repaired.map((r) => r.accountId)).toEqual([ACCOUNT_ID]);
    expect(await deliver(fresh.token)).toBe(200);
    expect(await deliver(old.token)).toBe(401);
  });

  it('leaves a healthy webhook alone and records the check', async () => {
    const before = app.get(Database).parseDate((await stored()).webhook_checked_at)!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const results = await app.get(WebhookHealthCheck).runOnce();
    expect(results?.get(ACCOUNT_ID)).toBe('healthy');
    expect(
      app
        .get(Database)
        .parseDate((await stored()).webhook_checked_at)!
        .getTime(),
    ).toBeGreaterThan(before.getTime());
    expect(repaired).toEqual([]);
  });

  it('marks the account needs_reauth when Aircall refuses its credentials during the check', async () => {
    company.apiKeyActive = false;
    const results = await app.get(WebhookHealthCheck).runOnce();
    expect(results?.get(ACCOUNT_ID)).toBe('needs_reauth');
    expect(await app.get(AccountsService).get(ACCOUNT_ID)).toMatchObject({
      status: 'needs_reauth',
      statusReason: expect.stringMatching(/refused/),
    });
  });

  it('runs on one instance at a time: skipped while another holds the lease, taken once it expired', async () => {
    await seedLease(db, {
      accountId: '0',
      name: 'webhook-health-check',
      holder: 'other',
      expiresAt: new Date(Date.now() + 60_000),
    });
    simulator.deactivateWebhook(company.id, ours()[0].webhook_id);
    expect(await app.get(WebhookHealthCheck).runOnce()).toBeNull();
    expect(ours()[0].active).toBe(false);

    await db.execute(`UPDATE leases SET expires_at = ? WHERE name = 'webhook-health-check'`, [
      db.date(Date.now() - 1000),
    ]);
    expect((await app.get(WebhookHealthCheck).runOnce())?.get(ACCOUNT_ID)).toBe('reactivated');
    // Released after the run.
    expect(await db.query(`SELECT * FROM leases WHERE name = 'webhook-health-check'`)).toEqual([]);
  });

  it('holds its lease for WEBHOOK_CHECK_LEASE_TTL_MS, extended after each account', async () => {
    const leases = app.get(LeaseService);
    const acquire = jest.spyOn(leases, 'acquire');
    const ttl = app.config.WEBHOOK_CHECK_LEASE_TTL_MS;
    app.config.WEBHOOK_CHECK_LEASE_TTL_MS = 2_345;
    try {
      expect((await app.get(WebhookHealthCheck).runOnce())?.get(ACCOUNT_ID)).toBe('healthy');
      const calls = acquire.mock.calls.filter(([name]) => name === 'webhook-health-check');
      expect(calls.map(([, ms]) => ms)).toEqual([2_345, 2_345]);
    } finally {
      app.config.WEBHOOK_CHECK_LEASE_TTL_MS = ttl;
      acquire.mockRestore();
    }
  });
});

describeEachEngine('Webhook health check on its schedule', (database) => {
  it('repairs a deactivated webhook by itself at WEBHOOK_CHECK_CRON', async () => {
    const simulator = await AircallSimulator.start({
      rateWindowMs: RATE_WINDOW_MS,
      companies: [{ id: 8_000_002, callCount: 1 }],
    });
    const app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_WINDOW_MS: String(RATE_WINDOW_MS),
      WEBHOOK_CHECK_CRON: '* * * * * *',
    });
    try {
      app.config.PUBLIC_URL = app.baseUrl;
      const company = simulator.company(0);
      await graphqlData(
        app.baseUrl,
        TEST_ADMIN_KEY,
        'mutation ($a: String!, $t: String!) { connectAccount(apiId: $a, apiToken: $t) { id } }',
        {
          a: company.apiId,
          t: company.apiToken,
        },
      );
      const [webhook] = company.webhooks.all();
      simulator.deactivateWebhook(company.id, webhook.webhook_id);
      const deadline = Date.now() + 10_000;
      while (!webhook.active && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(webhook.active).toBe(true);
    } finally {
      await app.close();
      await simulator.close();
    }
  });
});
