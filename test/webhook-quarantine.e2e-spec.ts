import { Database } from '../src/database/database';
import { sampleValue } from '../src/metrics/exposition';
import { InboxProcessor } from '../src/webhooks/inbox-processor';
import { aCall, aUser, envelope } from './support/aircall-builders';
import { seedAccount, seedInboxEvent } from './support/seed';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const TOKEN = 'quarantine-suite-webhook-token-31c7';
const ACCOUNT = '301';

interface InboxRowView {
  status: string;
  event: string;
  last_error: string | null;
  raw: string | null;
  data: unknown;
}

/**
 * Aircall counts any non-2xx answer as a failed delivery, retries it and disables the webhook when
 * failures persist (docs/aircall-behaviour.md §1): a delivery with a valid token is never refused
 * for its content. What the service cannot use is kept as `quarantined`, with its reason, answered
 * 200, shown in /health and /metrics, and replayable.
 */
describeEachEngine('Quarantined webhook deliveries', (database) => {
  let t: TestApp;
  let db: Database;

  const post = (body: unknown) =>
    fetch(`${t.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const rows = (where = '1 = 1', params: unknown[] = []) =>
    db.query<InboxRowView>(
      `SELECT status, event, last_error, raw, data FROM webhook_events WHERE account_id = ? AND ${where} ORDER BY received_at, id`,
      [ACCOUNT, ...params],
    );
  const processAll = async () => {
    while ((await t.get(InboxProcessor).processBatch()) > 0);
  };

  beforeAll(async () => {
    // The processor is driven by the tests, so what a delivery left behind can be read first.
    t = await startTestApp(database().url, { INBOX_PROCESSOR: 'false' });
    db = t.get(Database);
    await seedAccount(db, { id: ACCOUNT, webhookToken: TOKEN });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    for (const table of ['webhook_events', 'call_comments', 'call_tags', 'call_teams', 'calls', 'users'])
      await db.execute(`DELETE FROM ${table}`);
  });

  it.each([
    ['a missing event', { resource: 'call', timestamp: 1_717_236_000, data: { id: 1 } }, /event is required/],
    [
      'a timestamp in milliseconds',
      { resource: 'call', event: 'call.created', timestamp: 1_717_236_000_000, data: { id: 1 } },
      /unix seconds/,
    ],
    [
      'a timestamp of the wrong type',
      { resource: 'call', event: 'call.created', timestamp: '2024-06-01', data: { id: 1 } },
      /timestamp must be an integer/,
    ],
    [
      'data that is not an object',
      { resource: 'call', event: 'call.created', timestamp: 1, data: [1] },
      /data/,
    ],
    [
      'a message callback (event_name, millisecond timestamp)',
      { event_name: 'message.received', timestamp: 1_732_622_896_123, data: { id: 'msg-1' } },
      /event is required/,
    ],
    [
      'a lone surrogate',
      {
        resource: 'call',
        event: 'call.created',
        timestamp: 1_717_236_000,
        data: { id: 1, raw_digits: '\ud800' },
      },
      /lone surrogate/,
    ],
  ])('keeps a delivery with %s, answered 200, without its token', async (_name, body, reason) => {
    const res = await post({ ...body, token: TOKEN });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'quarantined', reason: expect.stringMatching(reason) });
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'quarantined', last_error: expect.stringMatching(reason) });
    // The body is kept whole, for a later version to read again; the token never is.
    expect(JSON.parse(row.raw!)).toEqual(JSON.parse(JSON.stringify(body)));
    expect(row.raw).not.toContain(TOKEN);
    // A retry of the same delivery is the same row.
    expect((await post({ ...body, token: TOKEN })).status).toBe(200);
    expect(await rows()).toHaveLength(1);
  });

  it.each([
    ['a call without id', { status: 'initial' }, /\bid\b/],
    ['call fields of the wrong type', { id: 5, started_at: 'yesterday', tags: 'vip' }, /started_at, tags/],
    ['a call in the year 10000', { id: 6, started_at: 253_402_300_800 }, /started_at/],
    [
      'a comment whose content is an object',
      { id: 7, comments: [{ id: 70, content: { text: 'hi' } }] },
      /comments/,
    ],
    ['a nested user without an id', { id: 8, user: { name: 'Ana' } }, /user/],
  ])('stores %s, then quarantines it with its reason on both engines', async (_name, data, reason) => {
    expect((await post(envelope('call.ended', data, 1_717_236_100, TOKEN))).status).toBe(200);
    expect(await rows()).toEqual([expect.objectContaining({ status: 'pending' })]);
    await processAll();
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'quarantined', last_error: expect.stringMatching(reason) });
    expect(await db.query('SELECT id FROM calls WHERE account_id = ?', [ACCOUNT])).toEqual([]);
  });

  it('stores a call whose user, contact and number are {} (the reference sample), as absent', async () => {
    const call = aCall()
      .with({ user: {} as never, contact: {} as never, number: {} as never })
      .build();
    expect((await post(envelope('call.created', call, call.started_at!, TOKEN))).status).toBe(200);
    await processAll();
    expect(await rows()).toEqual([expect.objectContaining({ status: 'applied' })]);
    const [stored] = await db.query<{ user_id: unknown; contact_id: unknown; number_id: unknown }>(
      'SELECT user_id, contact_id, number_id FROM calls WHERE account_id = ? AND id = ?',
      [ACCOUNT, call.id],
    );
    expect(stored).toEqual({ user_id: null, contact_id: null, number_id: null });
  });

  it('shows quarantined deliveries in webhookEvents, /health (degraded) and /metrics', async () => {
    await post({ resource: 'call', timestamp: 1, data: {}, token: TOKEN });
    await post(envelope('call.ended', { id: 9, started_at: 'soon' }, 1_717_236_200, TOKEN));
    await processAll();
    const { webhookEvents } = await graphqlData<{
      webhookEvents: Array<{ status: string; event: string; lastError: string }>;
    }>(t.baseUrl, TEST_ADMIN_KEY, '{ webhookEvents(status: QUARANTINED) { status event lastError } }');
    expect(webhookEvents).toHaveLength(2);
    expect(webhookEvents.map((e) => e.event).sort()).toEqual(['call.ended', 'unknown']);
    const health = await (await fetch(`${t.baseUrl}/health`)).json();
    expect(health).toMatchObject({ status: 'degraded', inbox: { quarantined: 2 } });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(sampleValue(metrics, 'aircall_inbox_quarantined')).toBe(2);
    expect(
      sampleValue(metrics, 'aircall_webhook_deliveries_total', { outcome: 'quarantined' }),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(metrics, 'aircall_webhook_events_quarantined_total', { event: 'call.ended' }),
    ).toBeGreaterThan(0);
  });

  it('replays quarantined deliveries that this version can read: applied, and stored as the envelope they are', async () => {
    // Rows an older version quarantined: an envelope it could not read, a call it could not use.
    const agent = aUser({ name: 'Replayed Agent' });
    const call = aCall().inbound().answeredBy(agent).endedAfter(30).build();
    const readable = JSON.stringify({
      resource: 'call',
      event: 'call.ended',
      timestamp: 1_717_236_300,
      data: call,
    });
    await seedInboxEvent(db, {
      accountId: ACCOUNT,
      id: 'replay-raw-00000000000000000001',
      resource: 'unknown',
      event: 'unknown',
      eventTimestamp: 0,
      resourceId: null,
      status: 'quarantined',
      attempts: 1,
      lastError: 'an older reason',
      raw: readable,
    });
    await seedInboxEvent(db, {
      accountId: ACCOUNT,
      id: 'replay-data-0000000000000000001',
      event: 'call.created',
      eventTimestamp: 1717236200,
      resourceId: null,
      data: JSON.stringify({ ...call, id: call.id + 1, user: {} }),
      status: 'quarantined',
      attempts: 1,
      lastError: 'user: {} refused',
    });
    const { replayWebhookEvents } = await graphqlData<{ replayWebhookEvents: number }>(
      t.baseUrl,
      TEST_ADMIN_KEY,
      'mutation { replayWebhookEvents(status: QUARANTINED) }',
    );
    expect(replayWebhookEvents).toBe(2);
    await processAll();
    const replayed = await rows();
    expect(replayed.map((r) => r.status)).toEqual(['applied', 'applied']);
    const rewritten = replayed.find((r) => r.event === 'call.ended');
    expect(rewritten).toMatchObject({ raw: null, last_error: null });
    expect(db.parseJson<{ id: number }>(rewritten!.data)!.id).toBe(call.id);
    const calls = await db.query<{ id: unknown }>(
      'SELECT CAST(id AS CHAR) AS id FROM calls WHERE account_id = ? ORDER BY id',
      [ACCOUNT],
    );
    expect(calls.map((c) => String(c.id))).toEqual([String(call.id), String(call.id + 1)]);
  });
});
