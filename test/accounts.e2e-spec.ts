import { AccountLifecycle } from '../src/accounts/account-events';
import { AccountNotConnectedError } from '../src/accounts/account-errors';
import { AccountsService, WEBHOOK_MISSING_NOTE } from '../src/accounts/accounts.service';
import { TENANT_TABLES } from '../src/accounts/accounts.repository';
import { subscribedEvents } from '../src/aircall/aircall-events';
import { sha256Hex } from '../src/crypto/hashing';
import { Database } from '../src/database/database';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { seedInboxEvent, seedLease, seedRow, seedSyncRun } from './support/seed';
import { CALL_MEDIA } from '../src/calls/call-tables';
import { pendingMediaRow } from '../src/calls/call-media-tracker';

/** Aircall's 60 requests/minute, scaled to a second so the backfills every connection starts never make a test wait. */
const RATE_WINDOW_MS = 1000;

const ACCOUNT_FIELDS =
  'id aircallCompanyId name authType status statusReason webhookId webhookActive disconnectedAt';
const CONNECT = `mutation ($apiId: String!, $apiToken: String!) { connectAccount(apiId: $apiId, apiToken: $apiToken) { ${ACCOUNT_FIELDS} } }`;
const DISCONNECT = `mutation ($id: ID!, $purge: Boolean) { disconnectAccount(id: $id, purge: $purge) { ${ACCOUNT_FIELDS} } }`;

interface AccountView {
  id: string;
  aircallCompanyId: string | null;
  name: string | null;
  authType: string;
  status: string;
  statusReason: string | null;
  webhookId: string | null;
  webhookActive: boolean | null;
  disconnectedAt: string | null;
}

describeEachEngine('Accounts: Basic connect, disconnect, purge', (database) => {
  let simulator: AircallSimulator;
  let app: TestApp;
  let db: Database;
  let acme: SimulatedCompany;
  let globex: SimulatedCompany;
  const connected: string[] = [];

  beforeAll(async () => {
    simulator = await AircallSimulator.start({
      rateWindowMs: RATE_WINDOW_MS,
      companies: [
        { id: 7_000_001, name: 'Acme', callCount: 5 },
        { id: 7_000_002, name: 'Globex', callCount: 5 },
      ],
    });
    acme = simulator.company(0);
    globex = simulator.company(1);
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_WINDOW_MS: String(RATE_WINDOW_MS),
      WEBHOOK_CHECK_CRON: 'off',
    });
    app.config.PUBLIC_URL = app.baseUrl;
    db = app.get(Database);
    app.get(AccountLifecycle).on('connected', (id) => void connected.push(id));
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.close();
  });

  beforeEach(async () => {
    await settled();
    for (const table of [...TENANT_TABLES, 'accounts']) await db.execute(`DELETE FROM ${db.id(table)}`);
    for (const company of [acme, globex]) {
      company.apiKeyActive = true;
      for (const webhook of company.webhooks.all()) company.webhooks.delete(webhook.webhook_id, null);
    }
    connected.length = 0;
  });

  /** Account ids by company, from the last connection (accounts have ids of the service's own). */
  const ids = new Map<SimulatedCompany, string>();
  const idOf = (company: SimulatedCompany) => ids.get(company) ?? 'not connected';
  const connect = async (company: SimulatedCompany) => {
    const data = await graphqlData<{ connectAccount: AccountView }>(app.baseUrl, TEST_ADMIN_KEY, CONNECT, {
      apiId: company.apiId,
      apiToken: company.apiToken,
    });
    ids.set(company, data.connectAccount.id);
    return data;
  };
  const count = async (table: string, accountId?: string) =>
    Number(
      (
        await db.query<{ n: unknown }>(
          `SELECT COUNT(*) AS n FROM ${db.id(table)}${accountId ? ` WHERE ${table === 'accounts' ? 'id' : 'account_id'} = ?` : ''}`,
          accountId ? [accountId] : [],
        )
      )[0].n,
    );

  const deliver = async (token: string, callId: number) =>
    (
      await fetch(`${app.baseUrl}/aircall/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resource: 'call',
          event: 'call.created',
          timestamp: 1_700_000_000,
          token,
          data: acme.calls.get(acme.calls.idOf(callId)),
        }),
      })
    ).status;

  /** Ids no sync or delivery of the simulated companies produces, so the seeded rows can be told apart. */
  const SEEDED = '900000001';

  /** One row in every tenant table for the account, as sync and webhooks would leave them. */
  async function seedTenantRows(accountId: string): Promise<void> {
    const now = db.date(new Date());
    await db.execute(
      `INSERT INTO calls (account_id, id, payload, last_event, last_event_at, state_version, state_hash, created_at, updated_at)
       VALUES (?, ?, '{}', 'call.ended', ?, 1, 'h', ?, ?)`,
      [accountId, SEEDED, now, now, now],
    );
    await db.execute('INSERT INTO call_comments (account_id, call_id, id, content) VALUES (?, ?, ?, ?)', [
      accountId,
      SEEDED,
      SEEDED,
      'hello',
    ]);
    await db.execute('INSERT INTO call_tags (account_id, call_id, tag_id) VALUES (?, ?, ?)', [
      accountId,
      SEEDED,
      SEEDED,
    ]);
    await db.execute('INSERT INTO call_teams (account_id, call_id, team_id) VALUES (?, ?, ?)', [
      accountId,
      SEEDED,
      SEEDED,
    ]);
    for (const table of ['users', 'numbers', 'contacts', 'teams', 'tags']) {
      await db.execute(
        `INSERT INTO ${db.id(table)} (account_id, id, created_at, updated_at) VALUES (?, ?, ?, ?)`,
        [accountId, SEEDED, now, now],
      );
    }
    await db.execute('INSERT INTO team_users (account_id, team_id, user_id) VALUES (?, ?, ?)', [
      accountId,
      SEEDED,
      SEEDED,
    ]);
    await seedInboxEvent(db, {
      accountId,
      id: 'seeded',
      eventTimestamp: 1,
      resourceId: null,
      status: 'applied',
    });
    await seedRow(db, CALL_MEDIA, {
      ...pendingMediaRow(accountId, SEEDED, 'recording', null, new Date()),
      status: 'deleted',
    });
    await seedSyncRun(db, { accountId, id: SEEDED });
    await seedLease(db, { accountId, name: 'seeded', holder: 'x', expiresAt: new Date() });
    await db.execute(
      `INSERT INTO account_identities (account_id, kind, aircall_id, created_at) VALUES (?, 'number', ?, ?)`,
      [accountId, `${SEEDED}-${accountId}`, now],
    );
  }

  /** How many tenant tables still hold the account's seeded row. */
  async function seededTables(accountId: string): Promise<string[]> {
    const keys: Record<string, [string, string]> = {
      call_comments: ['id', SEEDED],
      call_media: ['call_id', SEEDED],
      call_tags: ['call_id', SEEDED],
      call_teams: ['call_id', SEEDED],
      team_users: ['team_id', SEEDED],
      webhook_events: ['id', 'seeded'],
      leases: ['name', 'seeded'],
      account_identities: ['aircall_id', `${SEEDED}-${accountId}`],
    };
    const found: string[] = [];
    for (const table of TENANT_TABLES) {
      const [column, value] = keys[table] ?? ['id', SEEDED];
      const rows = await db.query(
        `SELECT 1 AS x FROM ${db.id(table)} WHERE account_id = ? AND ${db.id(column)} = ?`,
        [accountId, value],
      );
      if (rows.length > 0) found.push(table);
    }
    return found;
  }

  /** Waits until the backfill a connection started (when a sync module listens) is no longer queued or running. */
  async function settled(): Promise<void> {
    const deadline = Date.now() + 20_000;
    let quiet = 0;
    while (quiet < 3 && Date.now() < deadline) {
      const busy = await db.query(`SELECT 1 AS x FROM sync_runs WHERE status IN ('queued', 'running')`);
      quiet = busy.length === 0 ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('connects with a valid API key pair: company identified, token sealed, webhook registered, backfill announced', async () => {
    const { connectAccount: account } = await connect(acme);
    expect(account).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      // An API key never says which company it is (GET /v1/company has no id).
      aircallCompanyId: null,
      name: 'Acme',
      authType: 'BASIC',
      status: 'ACTIVE',
      statusReason: null,
      webhookActive: true,
    });

    const [row] = await db.query<Record<string, unknown>>('SELECT * FROM accounts');
    expect(row.api_id).toBe(acme.apiId);
    expect(String(row.credentials)).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    expect(String(row.credentials)).not.toContain(acme.apiToken);
    expect(await app.get(AccountsService).credentialsFor(idOf(acme))).toEqual({
      kind: 'basic',
      apiId: acme.apiId,
      apiToken: acme.apiToken,
    });

    const [webhook] = acme.webhooks.all();
    expect(acme.webhooks.all()).toHaveLength(1);
    expect(webhook.url).toBe(`${app.baseUrl}/aircall/webhook`);
    expect(webhook.events).toEqual(expect.arrayContaining(subscribedEvents('basic')));
    expect(account.webhookId).toBe(webhook.webhook_id);
    expect(row.webhook_token_hash).toBe(sha256Hex(webhook.token));
    expect(connected).toEqual([idOf(acme)]);
  });

  it('refuses a wrong pair with a clear error and stores nothing', async () => {
    const res = await graphql<{ connectAccount: AccountView }>(app.baseUrl, TEST_ADMIN_KEY, CONNECT, {
      apiId: acme.apiId,
      apiToken: 'wrong-token',
    });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/Aircall rejected these credentials/);
    expect(JSON.stringify(res)).not.toContain('wrong-token');
    expect(await count('accounts')).toBe(0);
    expect(acme.webhooks.all()).toHaveLength(0);
    expect(connected).toEqual([]);
  });

  it('exposes no credential or token hash in the GraphQL Account type', async () => {
    const data = await graphqlData<{ __type: { fields: Array<{ name: string }> } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      '{ __type(name: "Account") { fields { name } } }',
    );
    const names = data.__type.fields.map((field) => field.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'authType',
        'status',
        'webhookActive',
        'syncCursor',
        'lastSyncedAt',
      ]),
    );
    expect(names.filter((name) => /credential|token|secret|hash|apiId/i.test(name))).toEqual([]);
  });

  it('disconnects: webhook deleted at Aircall, credentials forgotten, data kept, old token refused', async () => {
    await connect(acme);
    const token = acme.webhooks.all()[0].token;
    await settled();
    await seedTenantRows(idOf(acme));
    // A first delivery is accepted (and puts the token in ingestion's cache).
    expect(await deliver(token, 2)).toBe(200);

    const { disconnectAccount: account } = await graphqlData<{ disconnectAccount: AccountView }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      DISCONNECT,
      { id: idOf(acme) },
    );
    expect(account).toMatchObject({ id: idOf(acme), status: 'DISCONNECTED', webhookId: null });
    expect(account.disconnectedAt).not.toBeNull();
    expect(acme.webhooks.all()).toHaveLength(0);
    const [row] = await db.query<Record<string, unknown>>(
      'SELECT credentials, webhook_token_hash FROM accounts WHERE id = ?',
      [idOf(acme)],
    );
    expect(row).toEqual({ credentials: null, webhook_token_hash: null });
    expect(await seededTables(idOf(acme))).toEqual([...TENANT_TABLES]);
    await expect(app.get(AccountsService).credentialsFor(idOf(acme))).rejects.toBeInstanceOf(
      AccountNotConnectedError,
    );

    expect(await deliver(token, 3)).toBe(401);
  });

  it('purges only the disconnected account, every tenant table included', async () => {
    await connect(acme);
    await connect(globex);
    await settled();
    await seedTenantRows(idOf(acme));
    await seedTenantRows(idOf(globex));

    const { disconnectAccount: account } = await graphqlData<{ disconnectAccount: AccountView }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      DISCONNECT,
      {
        id: idOf(acme),
        purge: true,
      },
    );
    expect(account.status).toBe('DISCONNECTED');
    expect(await count('accounts', idOf(acme))).toBe(0);
    for (const table of TENANT_TABLES) {
      expect({ table, rows: await count(table, idOf(acme)) }).toEqual({ table, rows: 0 });
    }
    expect(await seededTables(idOf(globex))).toEqual([...TENANT_TABLES]);
    expect(await count('accounts', idOf(globex))).toBe(1);
    expect(globex.webhooks.all()).toHaveLength(1);
  });

  it('still disconnects when Aircall already refuses the credentials', async () => {
    await connect(acme);
    simulator.revokeCredentials(acme.id);
    const { disconnectAccount: account } = await graphqlData<{ disconnectAccount: AccountView }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      DISCONNECT,
      { id: idOf(acme) },
    );
    expect(account.status).toBe('DISCONNECTED');
    const [row] = await db.query<Record<string, unknown>>('SELECT credentials FROM accounts WHERE id = ?', [
      idOf(acme),
    ]);
    expect(row.credentials).toBeNull();
  });

  it('answers NOT_FOUND for an unknown account', async () => {
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, DISCONNECT, { id: '999' });
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('marks an account needs_reauth with a reason, and a reconnection makes it active again', async () => {
    await connect(acme);
    const service = app.get(AccountsService);
    await service.markNeedsReauth(idOf(acme), 'Aircall answered 401 to GET /v1/calls');
    expect(await service.get(idOf(acme))).toMatchObject({
      status: 'needs_reauth',
      statusReason: 'Aircall answered 401 to GET /v1/calls',
    });
    expect((await service.activeAccounts()).map((a) => a.id)).toEqual([]);

    const { connectAccount: again } = await connect(acme);
    expect(again).toMatchObject({ status: 'ACTIVE', statusReason: null });
    expect(acme.webhooks.all()).toHaveLength(1);
    expect((await service.activeAccounts()).map((a) => a.id)).toEqual([idOf(acme)]);
  });

  it('keeps a disconnect that lands while a 401 or a webhook failure is being handled', async () => {
    await connect(acme);
    const service = app.get(AccountsService);
    // The sync that got the 401 (or the connect whose webhook failed) read the account while active…
    const stale = await service.get(idOf(acme));
    await graphqlData(app.baseUrl, TEST_ADMIN_KEY, DISCONNECT, { id: idOf(acme) });
    // …and writes its status after the disconnect is stored.
    const get = jest.spyOn(service, 'get').mockResolvedValue(stale);
    try {
      await service.markNeedsReauth(idOf(acme), 'Aircall answered 401 to GET /v1/calls');
      await service.noteStatusReason(idOf(acme), `${WEBHOOK_MISSING_NOTE}timeout`);
    } finally {
      get.mockRestore();
    }
    expect(await service.get(idOf(acme))).toMatchObject({ status: 'disconnected', statusReason: null });
    await expect(service.credentialsFor(idOf(acme))).rejects.toBeInstanceOf(AccountNotConnectedError);
  });

  it('notes a reason on an active account only, and a registered webhook clears only that note', async () => {
    await connect(acme);
    const service = app.get(AccountsService);
    await service.noteStatusReason(idOf(acme), `${WEBHOOK_MISSING_NOTE}timeout`);
    expect(await service.get(idOf(acme))).toMatchObject({
      status: 'active',
      statusReason: `${WEBHOOK_MISSING_NOTE}timeout`,
    });
    const registration = { webhookId: 'wh-1', tokenHash: 'f'.repeat(64), active: true };
    await service.recordWebhook(idOf(acme), registration);
    expect(await service.get(idOf(acme))).toMatchObject({ status: 'active', statusReason: null });

    await service.markNeedsReauth(idOf(acme), 'Aircall answered 401');
    await service.noteStatusReason(idOf(acme), `${WEBHOOK_MISSING_NOTE}again`);
    await service.recordWebhook(idOf(acme), registration);
    expect(await service.get(idOf(acme))).toMatchObject({
      status: 'needs_reauth',
      statusReason: 'Aircall answered 401',
    });
  });
});

describeEachEngine('Accounts: connect when Aircall refuses the webhook', (database) => {
  let simulator: AircallSimulator;
  let app: TestApp;

  beforeAll(async () => {
    // Aircall only accepts https webhook URLs; the test app serves plain http.
    simulator = await AircallSimulator.start({
      rateWindowMs: RATE_WINDOW_MS,
      requireHttpsWebhooks: true,
      companies: [{ id: 7_100_001, name: 'Umbrella', callCount: 2 }],
    });
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_WINDOW_MS: String(RATE_WINDOW_MS),
      WEBHOOK_CHECK_CRON: 'off',
    });
    app.config.PUBLIC_URL = app.baseUrl;
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.close();
  });

  it('keeps the account connected and says why its webhook is missing', async () => {
    const company = simulator.company(0);
    const { connectAccount } = await graphqlData<{ connectAccount: AccountView }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CONNECT,
      {
        apiId: company.apiId,
        apiToken: company.apiToken,
      },
    );
    expect(connectAccount).toMatchObject({ status: 'ACTIVE', webhookId: null });
    expect(connectAccount.statusReason).toMatch(/^webhook not registered: .*400/);
    expect(company.webhooks.all()).toHaveLength(0);

    const REGISTER = `mutation { registerWebhook(accountId: "${connectAccount.id}") { id status statusReason webhookId } }`;
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, REGISTER);
    expect(res.errors?.[0].extensions?.code).toBe('AIRCALL_ERROR');

    // Once Aircall accepts the URL (here: the simulator relaxes its https rule), registering clears the note.
    (company.webhooks as unknown as { requireHttps: boolean }).requireHttps = false;
    const { registerWebhook } = await graphqlData<{ registerWebhook: AccountView }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      REGISTER,
    );
    expect(registerWebhook).toMatchObject({
      status: 'ACTIVE',
      statusReason: null,
      webhookId: company.webhooks.all()[0].webhook_id,
    });
  });
});
