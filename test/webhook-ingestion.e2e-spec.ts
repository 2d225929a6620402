import { Database } from '../src/database/database';
import { INBOX_COLUMNS } from '../src/webhooks/webhook-inbox';
import { InboxProcessor } from '../src/webhooks/inbox-processor';
import { InboxRetention } from '../src/webhooks/inbox-retention';
import { sha256Hex } from '../src/crypto/hashing';
import { sampleValue } from '../src/metrics/exposition';
import { aCall, answeredCallHistory, aUser, envelope, missedCallHistory } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { accountSnapshot } from './support/table-snapshot';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';
import { seedAccount, seedInboxEvent } from './support/seed';

const TOKEN_A = 'aircall-webhook-token-account-a';
const TOKEN_B = 'aircall-webhook-token-account-b';

async function insertAccount(db: Database, id: string, token: string): Promise<void> {
  await seedAccount(db, { id, webhookToken: token });
}

describeEachEngine('POST /aircall/webhook', (database) => {
  let t: TestApp;
  let db: Database;

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
  const inboxCount = async (accountId?: string) => {
    const [row] = await db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM webhook_events${accountId ? ' WHERE account_id = ?' : ''}`,
      accountId ? [accountId] : [],
    );
    return Number(row.n);
  };
  const pending = async () => {
    const [row] = await db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM webhook_events WHERE status = 'pending'`,
    );
    return Number(row.n);
  };

  beforeAll(async () => {
    t = await startTestApp(database().url);
    db = t.get(Database);
    await insertAccount(db, '101', TOKEN_A);
    await insertAccount(db, '102', TOKEN_B);
    await insertAccount(db, '103', 'token-of-account-c');
    await insertAccount(db, '104', 'token-of-account-d');
    await insertAccount(db, '105', 'token-of-account-e');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores the event before answering 200, then applies it to the call', async () => {
    const call = aCall()
      .inbound()
      .answeredBy(aUser({ name: 'Ana' }))
      .endedAfter(60)
      .build();
    const res = await post(envelope('call.ended', call, call.started_at! + 90, TOKEN_A));
    expect(res.status).toBe(200);
    const rows = await db.query<{ event: string }>(
      `SELECT event FROM webhook_events WHERE account_id = 101 AND resource_id = ?`,
      [call.id],
    );
    expect(rows.map((r) => r.event)).toEqual(['call.ended']);
    const [stored] = await waitFor(
      () =>
        db.query<{ status: string }>(`SELECT status FROM calls WHERE account_id = 101 AND id = ?`, [call.id]),
      (r) => r.length === 1,
    );
    expect(stored.status).toBe('done');
  });

  it('group-commits concurrent deliveries: one INSERT in flight, the deliveries that arrive meanwhile in the next one', async () => {
    // The inbox INSERT: an upsert on SQLite; on MySQL one statement joined to the accounts, whose
    // parameters are each row's token hash and its columns but account_id.
    const realUpsert = Database.prototype.upsert;
    const realExecute = Database.prototype.execute;
    const upsert = jest.spyOn(db, 'upsert');
    const execute = jest.spyOn(db, 'execute');
    let inFlight = 0;
    let maxInFlight = 0;
    const inboxRowsPerInsert: number[] = [];
    const timed = async <T>(rows: number, work: () => Promise<T>): Promise<T> => {
      inboxRowsPerInsert.push(rows);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        // The first INSERT is slow, so the other deliveries arrive while it is in flight.
        if (inboxRowsPerInsert.length === 1) await new Promise((r) => setTimeout(r, 300));
        return await work();
      } finally {
        inFlight--;
      }
    };
    upsert.mockImplementation(function (this: Database, ...args: Parameters<Database['upsert']>) {
      if (args[0] !== 'webhook_events') return realUpsert.apply(this, args);
      return timed(args[2].length, () => realUpsert.apply(this, args));
    });
    execute.mockImplementation(function (this: Database, ...args: Parameters<Database['execute']>) {
      if (!args[0].startsWith('INSERT INTO webhook_events')) return realExecute.apply(this, args);
      return timed((args[1] ?? []).length / INBOX_COLUMNS.length, () => realExecute.apply(this, args));
    });
    const insertMs = async () => {
      const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
      const count = sampleValue(text, 'aircall_inbox_insert_ms_count') ?? 0;
      return {
        count,
        over250: count - (sampleValue(text, 'aircall_inbox_insert_ms_bucket', { le: '250' }) ?? 0),
      };
    };
    const before = await insertMs();
    try {
      const calls = Array.from({ length: 40 }, () => aCall().build());
      const answers = await Promise.all(
        calls.map((call) => post(envelope('call.created', call, call.started_at!, 'token-of-account-e'))),
      );
      expect(answers.map((r) => r.status)).toEqual(calls.map(() => 200));
      expect(await inboxCount('105')).toBe(40);
      expect(maxInFlight).toBe(1);
      expect(inboxRowsPerInsert.reduce((a, b) => a + b, 0)).toBe(40);
      expect(inboxRowsPerInsert.length).toBeLessThan(10);
      // Each INSERT is timed in /metrics, the slow first one among them.
      const after = await insertMs();
      expect(after.count - before.count).toBe(inboxRowsPerInsert.length);
      expect(after.over250 - before.over250).toBe(1);
    } finally {
      upsert.mockRestore();
      execute.mockRestore();
    }
  });

  it('keeps one inbox row when Aircall delivers the same event twice', async () => {
    const call = aCall().build();
    const body = envelope('call.created', call, call.started_at!, TOKEN_A);
    const before = await inboxCount('101');
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    expect(await inboxCount('101')).toBe(before + 1);
  });

  it.each([
    ['an unknown token', { token: 'not-a-token-we-issued' }, 'unknown webhook token'],
    ['no token', { token: undefined }, 'missing webhook token'],
    ['a token of the wrong type', { token: 12345 }, 'missing webhook token'],
  ])('answers 401 for %s and stores nothing', async (_name, patch, message) => {
    const before = await inboxCount();
    const res = await post({
      ...envelope('call.created', aCall().build(), 1_717_236_000, TOKEN_A),
      ...patch,
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe(message);
    expect(await inboxCount()).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"resource": "call", "event": ', /malformed JSON/],
    ['a JSON array', '[1,2,3]', /must be a JSON object/],
  ])('answers 400 to %s, which is no delivery at all, and stores nothing', async (_name, body, message) => {
    const before = await inboxCount();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
    expect(await inboxCount()).toBe(before);
  });

  it('answers 413 to a body over WEBHOOK_MAX_BODY_BYTES and stores nothing', async () => {
    const before = await inboxCount();
    const call = aCall()
      .with({ padding: 'x'.repeat(t.config.WEBHOOK_MAX_BODY_BYTES) })
      .build();
    const res = await post(envelope('call.created', call, 1_717_236_000, TOKEN_A));
    expect(res.status).toBe(413);
    expect(await inboxCount()).toBe(before);
  });

  it('keeps events it does not apply and marks them skipped; applies unknown call.* events by their call object', async () => {
    const message = envelope('message.sent', { id: 77, body: 'hello' }, 1_717_236_000, TOKEN_B);
    const future = aCall().build();
    expect((await post(message)).status).toBe(200);
    expect(
      (await post(envelope('call.sentiment_scored', future, future.started_at! + 5, TOKEN_B))).status,
    ).toBe(200);
    const rows = await waitFor(
      () =>
        db.query<{ event: string; status: string }>(
          `SELECT event, status FROM webhook_events WHERE account_id = 102 ORDER BY event`,
        ),
      (r) => r.length === 2 && r.every((x) => x.status !== 'pending'),
    );
    expect(rows).toEqual([
      { event: 'call.sentiment_scored', status: 'applied' },
      { event: 'message.sent', status: 'skipped' },
    ]);
    const calls = await db.query(`SELECT id FROM calls WHERE account_id = 102`);
    expect(calls).toHaveLength(1);
  });

  it('ends with the rows of in-order delivery when Aircall reorders, duplicates and retries concurrently', async () => {
    const histories = [
      answeredCallHistory(),
      missedCallHistory(),
      answeredCallHistory({ start: 1_717_400_000 }),
    ];
    const inOrder = histories.flat().sort((a, b) => a.timestamp - b.timestamp);
    for (const e of inOrder)
      expect((await post(envelope(e.event, e.data, e.timestamp, 'token-of-account-c'))).status).toBe(200);

    const shuffled = [...inOrder, ...inOrder.filter((_, i) => i % 3 === 0)].sort(() => Math.random() - 0.5);
    const statuses = await Promise.all(
      shuffled.map((e) =>
        post(envelope(e.event, e.data, e.timestamp, 'token-of-account-d')).then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));

    await waitFor(pending, (n) => n === 0);
    const expected = await accountSnapshot(db, '103');
    expect(expected.calls).toHaveLength(3);
    expect(await accountSnapshot(db, '104')).toEqual(expected);
    expect(await inboxCount('104')).toBe(inOrder.length);
  });

  it('survives a poison event: it is quarantined with its reason and does not block the others', async () => {
    const processor = t.get(InboxProcessor);
    // A row an older version stored, whose payload cannot be applied.
    await seedInboxEvent(db, {
      accountId: '101',
      id: 'poison0000000000000000000000001',
      resourceId: '42',
      data: JSON.stringify({ id: 42, started_at: 'not-a-time', teams: 'x' }),
    });
    const good = aCall().build();
    expect((await post(envelope('call.created', good, good.started_at!, TOKEN_A))).status).toBe(200);
    await processor.processBatch();
    await waitFor(
      () => db.query(`SELECT id FROM calls WHERE account_id = 101 AND id = ?`, [good.id]),
      (r) => r.length === 1,
    );
    const [poison] = await db.query<{
      status: string;
      attempts: unknown;
      last_error: string;
      next_attempt_at: unknown;
    }>(
      `SELECT status, attempts, last_error, next_attempt_at FROM webhook_events WHERE id = 'poison0000000000000000000000001'`,
    );
    // Retrying cannot make the payload usable: it is kept out of the queue until someone replays it.
    expect(poison.status).toBe('quarantined');
    expect(Number(poison.attempts)).toBe(1);
    expect(poison.last_error).toMatch(/started_at, teams/);
  });

  it('follows the database at once when an account’s webhook token changes (no cache in between)', async () => {
    await db.query(`UPDATE accounts SET webhook_token_hash = ? WHERE id = 102`, [sha256Hex('rotated-token')]);
    expect((await post(envelope('call.created', aCall().build(), 1_717_236_000, TOKEN_B))).status).toBe(401);
    expect(
      (await post(envelope('call.created', aCall().build(), 1_717_236_000, 'rotated-token'))).status,
    ).toBe(200);
  });

  it('deletes applied rows past retention, never pending, failed, quarantined or skipped ones', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    for (const [id, status] of [
      ['retention-applied-000000000000001', 'applied'],
      ['retention-skipped-000000000000001', 'skipped'],
      ['retention-pending-000000000000001', 'pending'],
      ['retention-failed-0000000000000001', 'failed'],
      ['retention-quarantined-0000000001', 'quarantined'],
    ]) {
      await seedInboxEvent(db, {
        accountId: '999',
        id: id.slice(0, 32),
        event: 'call.created',
        resourceId: null,
        status,
        attempts: 1,
        receivedAt: old,
        // A pending row waits for its retry; not due, so the app's own inbox worker leaves it alone.
        nextAttemptAt: status === 'pending' ? new Date(Date.now() + 3_600_000) : old,
      });
    }
    expect(await t.get(InboxRetention).purge()).toBeGreaterThanOrEqual(1);
    const left = await db.query<{ status: string }>(
      `SELECT status FROM webhook_events WHERE account_id = 999 ORDER BY status`,
    );
    // Skipped events (messages, transcripts…) are what a later version may replay to apply them.
    expect(left.map((r) => r.status)).toEqual(['failed', 'pending', 'quarantined', 'skipped']);
  });
});
