import { Database } from '../src/database/database';
import { InboxProcessor } from '../src/webhooks/inbox-processor';
import { aCall, envelope } from './support/aircall-builders';
import { seedAccount } from './support/seed';
import { describeEachEngine } from './support/databases';
import { startTestApp, TestApp } from './support/test-app';

const NOISY = '9300';
const QUIET = '9301';
const tokenOf = (accountId: string) => `fair-share-webhook-token-${accountId}`;
const PER_SECOND = 50;
const BURST = 500;

/**
 * One account's burst cannot hold back another's deliveries: each account's deliveries become due at
 * most INBOX_FAIR_SHARE_PER_SECOND a second, and the processor applies due rows oldest first.
 */
describeEachEngine('Inbox fair share between tenants', (database) => {
  let app: TestApp;
  let db: Database;

  beforeAll(async () => {
    // The processor is driven by the test (processBatch), so what one batch takes is what is asserted.
    app = await startTestApp(database().url, {
      INBOX_PROCESSOR: 'false',
      INBOX_FAIR_SHARE_PER_SECOND: String(PER_SECOND),
    });
    db = app.get(Database);
    await seedAccount(db, { id: NOISY, webhookToken: tokenOf(NOISY) });
    await seedAccount(db, { id: QUIET, webhookToken: tokenOf(QUIET) });
  });
  afterAll(async () => {
    await app?.close();
  });

  let callId = 88_000_000;
  const deliver = async (accountId: string) => {
    const call = aCall({ id: ++callId }).build();
    const res = await fetch(`${app.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope('call.created', call, call.started_at!, tokenOf(accountId))),
    });
    expect(res.status).toBe(200);
  };
  const statuses = async (accountId: string) => {
    const rows = await db.query<{ status: string; n: unknown }>(
      'SELECT status, COUNT(*) AS n FROM webhook_events WHERE account_id = ? GROUP BY status',
      [accountId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  };

  it('spreads a burst over the following seconds and applies a quiet account’s delivery in the next batch', async () => {
    for (let i = 0; i < BURST; i += 50) await Promise.all(Array.from({ length: 50 }, () => deliver(NOISY)));
    await deliver(QUIET);

    // The burst's due times are spaced 1/PER_SECOND s apart: the last is BURST/PER_SECOND s out.
    const [spread] = await db.query<{ first: unknown; last: unknown }>(
      'SELECT MIN(next_attempt_at) AS first, MAX(next_attempt_at) AS last FROM webhook_events WHERE account_id = ?',
      [NOISY],
    );
    const seconds = (db.parseDate(spread.last)!.getTime() - db.parseDate(spread.first)!.getTime()) / 1000;
    expect(seconds).toBeGreaterThanOrEqual((BURST - 1) / PER_SECOND - 0.01);
    const [quiet] = await db.query<{ due: unknown; received: unknown }>(
      'SELECT next_attempt_at AS due, received_at AS received FROM webhook_events WHERE account_id = ?',
      [QUIET],
    );
    expect(db.parseDate(quiet.due)!.getTime()).toBe(db.parseDate(quiet.received)!.getTime());

    await app.get(InboxProcessor).processBatch(200);
    expect(await statuses(QUIET)).toEqual({ applied: 1 });
    // Only the noisy rows due by now went with it; most of the burst is still ahead.
    expect((await statuses(NOISY)).pending).toBeGreaterThan(BURST / 2);
  });
});
