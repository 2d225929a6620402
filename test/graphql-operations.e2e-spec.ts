import { Database } from '../src/database/database';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { seedInboxEvent, seedSyncRun } from './support/seed';

const A = '6001';

interface EventRow {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  appliedAt: string | null;
  nextAttemptAt: string;
}

describeEachEngine('GraphQL operations', (db) => {
  let app: TestApp;
  let database: Database;

  const insertEvent = (id: string, status: string, receivedAt: string, lastError: string | null = null) =>
    seedInboxEvent(database, {
      accountId: A,
      id,
      status,
      attempts: status === 'failed' ? 5 : 1,
      lastError,
      nextAttemptAt: new Date('2030-01-01T00:00:00Z'),
      receivedAt: new Date(receivedAt),
      appliedAt: status === 'applied' ? new Date(receivedAt) : null,
    });

  beforeAll(async () => {
    app = await startTestApp(db().url, { INBOX_PROCESSOR: 'false' });
    database = app.get(Database);
    await insertEvent('e1', 'applied', '2024-06-01T10:00:00Z');
    await insertEvent('e2', 'failed', '2024-06-01T10:01:00Z', 'boom');
    await insertEvent('e3', 'failed', '2024-06-01T10:02:00Z', 'boom again');
    await insertEvent('e4', 'skipped', '2024-06-01T10:03:00Z');
    const now = new Date('2024-06-01T10:00:00Z');
    await seedSyncRun(database, {
      accountId: A,
      id: '1883042345833431040',
      windowFrom: now,
      windowTo: now,
      requestsMade: 12,
      callsFetched: 480,
      callsWritten: 470,
      startedAt: now,
      finishedAt: now,
      createdAt: now,
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const events = async (status?: string): Promise<EventRow[]> =>
    (
      await graphqlData<{ webhookEvents: EventRow[] }>(
        app.baseUrl,
        TEST_ADMIN_KEY,
        `query ($s: WebhookEventStatus) { webhookEvents(accountId: "${A}", status: $s) { id event status attempts lastError receivedAt appliedAt nextAttemptAt } }`,
        { s: status ?? null },
      )
    ).webhookEvents;

  it('lists inbox events newest first, filtered by status', async () => {
    expect((await events()).map((e) => [e.id, e.status])).toEqual([
      ['e4', 'SKIPPED'],
      ['e3', 'FAILED'],
      ['e2', 'FAILED'],
      ['e1', 'APPLIED'],
    ]);
    const failed = await events('FAILED');
    expect(failed.map((e) => [e.id, e.attempts, e.lastError])).toEqual([
      ['e3', 5, 'boom again'],
      ['e2', 5, 'boom'],
    ]);
    expect((await events('APPLIED'))[0]).toMatchObject({
      receivedAt: '2024-06-01T10:00:00.000Z',
      appliedAt: '2024-06-01T10:00:00.000Z',
      event: 'call.ended',
    });
  });

  it('replays events by status and by id: pending again, due now', async () => {
    const before = Date.now();
    const byStatus = await graphqlData<{ replayWebhookEvents: number }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation { replayWebhookEvents(status: FAILED) }',
    );
    expect(byStatus.replayWebhookEvents).toBe(2);
    const byId = await graphqlData<{ replayWebhookEvents: number }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation { replayWebhookEvents(ids: ["e1", "missing"]) }',
    );
    expect(byId.replayWebhookEvents).toBe(1);
    const pending = await events('PENDING');
    expect(pending.map((e) => e.id)).toEqual(['e3', 'e2', 'e1']);
    for (const event of pending) {
      expect(Date.parse(event.nextAttemptAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(event.nextAttemptAt)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(event.appliedAt).toBeNull();
    }
    expect((await events('SKIPPED')).map((e) => e.id)).toEqual(['e4']);
  });

  it('needs ids or a status to replay', async () => {
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, 'mutation { replayWebhookEvents }');
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
  });

  it('lists sync runs with exact 63-bit ids', async () => {
    const data = await graphqlData<{ syncRuns: Array<Record<string, unknown>> }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `{ syncRuns(accountId: "${A}", first: 10) { id accountId kind status requestsMade callsFetched callsWritten windowFrom error } }`,
    );
    expect(data.syncRuns).toEqual([
      {
        id: '1883042345833431040',
        accountId: A,
        kind: 'backfill',
        status: 'succeeded',
        requestsMade: 12,
        callsFetched: 480,
        callsWritten: 470,
        windowFrom: '2024-06-01T10:00:00.000Z',
        error: null,
      },
    ]);
    const tooMany = await graphql(app.baseUrl, TEST_ADMIN_KEY, '{ syncRuns(first: 100000) { id } }');
    expect(tooMany.errors?.[0].extensions).toMatchObject({ field: 'first' });
  });

  it('lists accounts to admins without any credential field', async () => {
    const data = await graphqlData<{ accounts: unknown[] }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      '{ accounts { id name status } }',
    );
    expect(data.accounts).toEqual([]);
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, '{ accounts { credentials } }');
    expect(res.status).toBe(400);
  });
});
