import { AccountConnector } from '../src/accounts/account-connector';
import { AccountLifecycle } from '../src/accounts/account-events';
import { AccountsService } from '../src/accounts/accounts.service';
import { TENANT_TABLES } from '../src/accounts/accounts.repository';
import { Database } from '../src/database/database';
import { SyncService } from '../src/sync/sync.service';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const RATE_WINDOW_MS = 1000;
const CONNECT = `mutation ($apiId: String!, $apiToken: String!) {
  connectAccount(apiId: $apiId, apiToken: $apiToken) { id aircallCompanyId authType status webhookId } }`;

interface AccountView {
  id: string;
  aircallCompanyId: string | null;
  authType: string;
  status: string;
  webhookId: string | null;
}

/**
 * Which account a connection lands on. Aircall's GET /v1/company names no company id, so the service
 * recognises a company by its global Aircall ids (api_id, users, numbers): the same company connected
 * again — with a new API key, or later through OAuth — is the same account; two companies never merge.
 */
describeEachEngine('Account identity without a company id', (database) => {
  let simulator: AircallSimulator;
  let app: TestApp;
  let db: Database;
  let acme: SimulatedCompany;
  let globex: SimulatedCompany;
  const connected: Array<{ accountId: string; reconnected: boolean }> = [];

  beforeAll(async () => {
    simulator = await AircallSimulator.start({
      rateWindowMs: RATE_WINDOW_MS,
      companies: [
        { id: 7_300_001, name: 'Acme', callCount: 30 },
        { id: 7_300_002, name: 'Globex', callCount: 20 },
      ],
    });
    [acme, globex] = simulator.companies;
    app = await startTestApp(database().url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_WINDOW_MS: String(RATE_WINDOW_MS),
      WEBHOOK_CHECK_CRON: 'off',
    });
    app.config.PUBLIC_URL = app.baseUrl;
    db = app.get(Database);
    app.get(AccountLifecycle).on('connected', (accountId, reconnected) => {
      connected.push({ accountId, reconnected });
    });
  });
  afterAll(async () => {
    await app?.close();
    await simulator?.close();
  });
  beforeEach(async () => {
    await app.get(SyncService).whenIdle();
    for (const table of [...TENANT_TABLES, 'accounts']) await db.execute(`DELETE FROM ${db.id(table)}`);
    for (const company of [acme, globex]) {
      for (const webhook of company.webhooks.all()) company.webhooks.delete(webhook.webhook_id, null);
      company.apiKeyActive = true;
    }
    connected.length = 0;
  });

  const connect = async (credentials: { apiId: string; apiToken: string }) => {
    const { connectAccount } = await graphqlData<{ connectAccount: AccountView }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CONNECT,
      { apiId: credentials.apiId, apiToken: credentials.apiToken },
    );
    await app.get(SyncService).whenIdle();
    return connectAccount;
  };
  const ours = (company: SimulatedCompany) =>
    company.webhooks.all().filter((webhook) => webhook.url === `${app.baseUrl}/aircall/webhook`);
  const count = async (sql: string, params: unknown[]) =>
    Number((await db.query<{ n: unknown }>(sql, params))[0].n);

  it('lands a rotated API key on the same account: credentials, webhook and cursor follow, data stays', async () => {
    const first = await connect(acme);
    const calls = await count('SELECT COUNT(*) AS n FROM calls WHERE account_id = ?', [first.id]);
    expect(calls).toBe(30);
    const [{ sync_cursor: cursor }] = await db.query<{ sync_cursor: unknown }>(
      'SELECT sync_cursor FROM accounts WHERE id = ?',
      [first.id],
    );
    expect(cursor).not.toBeNull();

    const rotated = simulator.addApiKey(acme.id);
    const second = await connect(rotated);
    expect(second.id).toBe(first.id);
    expect(await count('SELECT COUNT(*) AS n FROM accounts', [])).toBe(1);
    expect(await app.get(AccountsService).credentialsFor(first.id)).toEqual(rotated);
    // Exactly one webhook of ours at Aircall, the one recorded on the account.
    expect(ours(acme).map((webhook) => webhook.webhook_id)).toEqual([second.webhookId]);
    expect(await count('SELECT COUNT(*) AS n FROM calls WHERE account_id = ?', [first.id])).toBe(30);
    // The second connection resumed from the cursor instead of backfilling again.
    expect(connected).toEqual([
      { accountId: first.id, reconnected: false },
      { accountId: first.id, reconnected: true },
    ]);
    const kinds = await db.query<{ kind: string }>(
      'SELECT kind FROM sync_runs WHERE account_id = ? ORDER BY created_at, id',
      [first.id],
    );
    expect(kinds.map((run) => run.kind)).toEqual(['backfill', 'incremental']);
  });

  it('recognises the company when the old key was revoked already, by its users and numbers', async () => {
    const first = await connect(acme);
    acme.apiKeyActive = false;
    const second = await connect(simulator.addApiKey(acme.id));
    expect(second.id).toBe(first.id);
    expect(ours(acme)).toHaveLength(1);
  });

  it('lands a later OAuth install of the same company on the same account, removing the API-key webhook', async () => {
    const basic = await connect(acme);
    const basicWebhook = basic.webhookId;
    const { account, reconnected } = await app
      .get(AccountConnector)
      .connectOAuth(simulator.issueOAuthToken(acme.id));
    expect(reconnected).toBe(true);
    expect(account).toMatchObject({ id: basic.id, authType: 'oauth', aircallCompanyId: String(acme.id) });
    // The webhook made with the API key is gone; the app's own webhook (which only its token sees) remains.
    const remaining = ours(acme);
    expect(remaining).toHaveLength(1);
    expect(remaining[0].webhook_id).not.toBe(basicWebhook);
    expect(remaining[0].ownerToken).not.toBeNull();
    expect(remaining[0].webhook_id).toBe(account.webhookId);
    // And an API key connected after that lands on it too (matched by its users and numbers).
    expect((await connect(simulator.addApiKey(acme.id))).id).toBe(basic.id);
  });

  it('never merges two companies, whatever the order of connections', async () => {
    const a = await connect(acme);
    const g = await connect(globex);
    expect(g.id).not.toBe(a.id);
    const { account } = await app.get(AccountConnector).connectOAuth(simulator.issueOAuthToken(globex.id));
    expect(account.id).toBe(g.id);
    expect((await connect(acme)).id).toBe(a.id);
    const rows = await db.query<{ account_id: unknown; kind: string; aircall_id: string }>(
      `SELECT account_id, kind, aircall_id FROM account_identities WHERE kind = 'user'`,
    );
    const usersOf = (accountId: string) =>
      rows.filter((row) => String(row.account_id) === accountId).map((row) => Number(row.aircall_id));
    expect(usersOf(a.id).sort()).toEqual(acme.directory.users.map((user) => user.id).sort());
    expect(usersOf(g.id).sort()).toEqual(globex.directory.users.map((user) => user.id).sort());
  });

  it('keeps the account of a disconnected company (data kept) for its next connection, not after a purge', async () => {
    const first = await connect(acme);
    await graphqlData(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation ($id: ID!) { disconnectAccount(id: $id) { id } }',
      {
        id: first.id,
      },
    );
    const again = await connect(acme);
    expect(again).toMatchObject({ id: first.id, status: 'ACTIVE' });
    await graphqlData(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation ($id: ID!) { disconnectAccount(id: $id, purge: true) { id } }',
      { id: first.id },
    );
    expect((await connect(acme)).id).not.toBe(first.id);
  });

  it('connects two companies at once as two accounts, and the same company twice at once as one', async () => {
    const [a1, g1, a2] = await Promise.all([
      connect(acme),
      connect(globex),
      connect(simulator.addApiKey(acme.id)),
    ]);
    expect(a2.id).toBe(a1.id);
    expect(g1.id).not.toBe(a1.id);
    expect(await count('SELECT COUNT(*) AS n FROM accounts', [])).toBe(2);
  });
});
