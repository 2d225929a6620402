import { Database } from '../src/database/database';
import { aCall, aNumber, aTag, aTeam, aUser } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { createKey, storeCalls, unix } from './support/graphql-fixtures';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { seedAccount, seedInboxEvent, seedSyncRun } from './support/seed';

const A = '5001';
const B = '5002';

// The same Aircall ids in both accounts (as ids are only unique per account here): a shared user id
// with different names, and one call id present in both accounts.
const sharedUserId = 990_001;
const userInA = aUser({ id: sharedUserId, name: 'Public name' });
const userInB = aUser({ id: sharedUserId, name: 'Secret name' });
const teamB = aTeam({ name: 'Secret team' });
const tagB = aTag({ name: 'secret-tag' });
const numberB = aNumber({ name: 'Secret line' });
const teamA = aTeam({ name: 'Team A' });

const sharedCallId = 1_990_000_001;
const callA = aCall({ id: sharedCallId, started_at: unix('2024-06-01T10:00:00Z') })
  .inbound()
  .ringingOn(teamA)
  .answeredBy(userInA)
  .endedAfter(60);
const callB = aCall({ id: sharedCallId, started_at: unix('2024-06-01T11:00:00Z') })
  .inbound()
  .on(numberB)
  .ringingOn(teamB)
  .answeredBy(userInB)
  .endedAfter(60)
  .tagged(tagB, userInB)
  .commented('secret', userInB);
const onlyB = aCall({ started_at: unix('2024-06-02T10:00:00Z') })
  .outbound()
  .on(numberB)
  .answeredBy(userInB)
  .endedAfter(30);

describeEachEngine('GraphQL account isolation', (db) => {
  let app: TestApp;
  let readerA: string;

  beforeAll(async () => {
    app = await startTestApp(db().url, { INBOX_PROCESSOR: 'false' });
    await storeCalls(app, A, [callA.build()]);
    await storeCalls(app, B, [callB.build(), onlyB.build()]);
    const database = app.get(Database);
    for (const account of [A, B]) {
      await seedSyncRun(database, {
        accountId: account,
        id: account,
        kind: 'manual',
        requestsMade: 1,
        callsFetched: 1,
        callsWritten: 1,
      });
      await seedInboxEvent(database, {
        accountId: account,
        id: `evt-${account}`,
        resourceId: null,
        status: 'failed',
        attempts: 3,
      });
    }
    readerA = await createKey(app, 'READER', [A]);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("shows a reader limited to account A only A's calls, with A's own related rows", async () => {
    const data = await graphqlData<{
      calls: { totalCount: number; edges: Array<{ node: Record<string, unknown> }> };
    }>(
      app.baseUrl,
      readerA,
      `{ calls { totalCount edges { node { id accountId user { name } teams { name } tags { name } comments { content } number { name } } } } }`,
    );
    expect(data.calls.totalCount).toBe(1);
    expect(data.calls.edges).toEqual([
      {
        node: {
          id: String(sharedCallId),
          accountId: A,
          user: { name: 'Public name' },
          teams: [{ name: 'Team A' }],
          tags: [],
          comments: [],
          number: expect.anything(),
        },
      },
    ]);
  });

  it("answers call(id) with the call of the reader's account only", async () => {
    const shared = await graphqlData<{ call: { accountId: string; user: { name: string } } }>(
      app.baseUrl,
      readerA,
      `{ call(id: "${sharedCallId}") { accountId user { name } } }`,
    );
    expect(shared.call).toEqual({ accountId: A, user: { name: 'Public name' } });
    expect(
      (await graphqlData<{ call: unknown }>(app.baseUrl, readerA, `{ call(id: "${onlyB.id}") { id } }`)).call,
    ).toBeNull();
    const forbidden = await graphql(
      app.baseUrl,
      readerA,
      `{ call(id: "${sharedCallId}", accountId: "${B}") { id } }`,
    );
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('asks an admin to name the account of an id present in two accounts', async () => {
    const ambiguous = await graphql(app.baseUrl, TEST_ADMIN_KEY, `{ call(id: "${sharedCallId}") { id } }`);
    expect(ambiguous.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountId' });
    const named = await graphqlData<{ call: { user: { name: string } } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `{ call(id: "${sharedCallId}", accountId: "${B}") { user { name } } }`,
    );
    expect(named.call.user.name).toBe('Secret name');
  });

  it('refuses any filter or argument naming another account', async () => {
    for (const query of [
      `{ calls(filter: { accountId: "${B}" }) { totalCount } }`,
      `{ users(accountId: "${B}") { id } }`,
      `{ teams(accountId: "${B}") { id } }`,
      `{ tags(accountId: "${B}") { id } }`,
      `{ numbers(accountId: "${B}") { id } }`,
      `{ syncRuns(accountId: "${B}") { id } }`,
      `{ webhookEvents(accountId: "${B}") { id } }`,
      `{ callStats(groupBy: DAY, filter: { accountId: "${B}" }) { key } }`,
    ]) {
      const res = await graphql(app.baseUrl, readerA, query);
      expect([query, res.errors?.[0].extensions?.code]).toEqual([query, 'FORBIDDEN']);
    }
  });

  it("lists only account A's directory, nested calls included", async () => {
    const data = await graphqlData<Record<string, Array<Record<string, unknown>>>>(
      app.baseUrl,
      readerA,
      `{ users { name calls { totalCount } } teams { name calls { totalCount } } tags { name } numbers { accountId } }`,
    );
    expect(data.users).toEqual([{ name: 'Public name', calls: { totalCount: 1 } }]);
    expect(data.teams).toEqual([{ name: 'Team A', calls: { totalCount: 1 } }]);
    expect(data.tags).toEqual([]);
    expect(data.numbers.every((n) => n.accountId === A)).toBe(true);
    const all = JSON.stringify(data);
    expect(all).not.toContain('Secret');
  });

  it("shows only account A's sync runs and inbox events, and no admin-only data", async () => {
    const data = await graphqlData<{
      syncRuns: Array<{ accountId: string }>;
      webhookEvents: Array<{ id: string; accountId: string }>;
    }>(app.baseUrl, readerA, `{ syncRuns { accountId } webhookEvents { id accountId } }`);
    expect(data.syncRuns).toEqual([{ accountId: A }]);
    expect(data.webhookEvents).toEqual([{ id: `evt-${A}`, accountId: A }]);
    expect((await graphql(app.baseUrl, readerA, '{ accounts { id } }')).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await graphql(app.baseUrl, readerA, 'mutation { replayWebhookEvents(status: FAILED) }')).errors?.[0]
        .extensions?.code,
    ).toBe('FORBIDDEN');
  });

  it("hides internals from a reader: the account's webhook id and database error texts", async () => {
    const database = app.get(Database);
    const [existing] = await database.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM accounts WHERE id = ?',
      [A],
    );
    if (Number(existing.n) === 0) await seedAccount(database, { id: A, name: 'A' });
    await database.query(`UPDATE accounts SET webhook_id = 'wh-internal-4242' WHERE id = ?`, [A]);
    const sqlError =
      "QueryFailedError: Incorrect datetime value: '10000-01-01' for column `calls`.`started_at` at row 1";
    await database.query(`UPDATE webhook_events SET last_error = ? WHERE id = ?`, [sqlError, `evt-${A}`]);
    await database.query(`UPDATE sync_runs SET error = ? WHERE account_id = ?`, [
      'QueryFailedError: SQLITE_CONSTRAINT: NOT NULL constraint failed: calls.account_id',
      A,
    ]);
    const query = `{ call(id: "${sharedCallId}", accountId: "${A}") { account { id webhookId } } webhookEvents(accountId: "${A}") { lastError } syncRuns(accountId: "${A}") { error } }`;
    const reader = await graphqlData<{
      call: { account: { webhookId: string | null } };
      webhookEvents: Array<{ lastError: string }>;
      syncRuns: Array<{ error: string }>;
    }>(app.baseUrl, readerA, query);
    expect(reader.call.account).toEqual({ id: A, webhookId: null });
    expect(reader.webhookEvents[0].lastError).toMatch(/^a database error/);
    expect(reader.syncRuns[0].error).toMatch(/^a database error/);
    expect(JSON.stringify(reader)).not.toMatch(/started_at|calls\.account_id|wh-internal/);
    const admin = await graphqlData<typeof reader>(app.baseUrl, TEST_ADMIN_KEY, query);
    expect(admin.call.account.webhookId).toBe('wh-internal-4242');
    expect(admin.webhookEvents[0].lastError).toBe(sqlError);
  });

  it('lets an unlimited reader see both accounts', async () => {
    const reader = await createKey(app, 'READER');
    const data = await graphqlData<{ calls: { totalCount: number } }>(
      app.baseUrl,
      reader,
      '{ calls { totalCount } }',
    );
    expect(data.calls.totalCount).toBe(3);
  });
});
