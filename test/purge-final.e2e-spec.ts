import { Database } from '../src/database/database';
import { aCall, envelope } from './support/aircall-builders';
import { seedAccount } from './support/seed';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const DISCONNECT =
  'mutation ($id: ID!, $purge: Boolean) { disconnectAccount(id: $id, purge: $purge) { id status } }';
const tokenOf = (accountId: string) => `purge-final-webhook-token-${accountId}`;

/**
 * Two instances on one database: `admin` disconnects and purges, `intake` receives Aircall's
 * deliveries and applies them. No instance may accept a token the database no longer holds, and
 * nothing may be written for a purged account, whatever was in flight.
 */
describeEachEngine('Disconnects and purges are final on every instance at once', (database) => {
  let admin: TestApp;
  let intake: TestApp;
  let db: Database;
  let callId = 77_000_000;

  beforeAll(async () => {
    admin = await startTestApp(database().url, { INBOX_PROCESSOR: 'false' });
    intake = await startTestApp(database().url, { INBOX_PROCESSOR_THREAD: 'false' });
    db = admin.get(Database);
  });
  afterAll(async () => {
    await intake?.close();
    await admin?.close();
  });

  const deliver = async (accountId: string) => {
    const call = aCall({ id: ++callId }).build();
    const res = await fetch(`${intake.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope('call.created', call, call.started_at!, tokenOf(accountId))),
    });
    return res.status;
  };
  const rowsOf = async (accountId: string) => {
    const count = async (table: string) =>
      Number(
        (
          await db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ?`, [
            accountId,
          ])
        )[0].n,
      );
    return { calls: await count('calls'), inbox: await count('webhook_events') };
  };
  const applied = (accountId: string) =>
    waitFor(
      () =>
        db.query<{ n: unknown }>(
          "SELECT COUNT(*) AS n FROM webhook_events WHERE account_id = ? AND status = 'pending'",
          [accountId],
        ),
      ([row]) => Number(row.n) === 0,
    );

  it('refuses the token on the other instance as soon as the account is purged, and leaves no row of it', async () => {
    await seedAccount(db, { id: '9100', webhookToken: tokenOf('9100') });
    expect(await deliver('9100')).toBe(200);
    await applied('9100');
    expect(await rowsOf('9100')).toEqual({ calls: 1, inbox: 1 });

    await graphqlData(admin.baseUrl, TEST_ADMIN_KEY, DISCONNECT, { id: '9100', purge: true });
    // No wait: the next delivery, on the other instance, already finds no account for the token.
    expect(await deliver('9100')).toBe(401);
    expect(await rowsOf('9100')).toEqual({ calls: 0, inbox: 0 });
  });

  it('refuses the token of a disconnected account at once, and keeps its data', async () => {
    await seedAccount(db, { id: '9101', webhookToken: tokenOf('9101') });
    expect(await deliver('9101')).toBe(200);
    await applied('9101');
    await graphqlData(admin.baseUrl, TEST_ADMIN_KEY, DISCONNECT, { id: '9101' });
    expect(await deliver('9101')).toBe(401);
    expect((await rowsOf('9101')).calls).toBe(1);
  });

  it('refuses exactly the deliveries of unknown tokens among those written together', async () => {
    await seedAccount(db, { id: '9103', webhookToken: tokenOf('9103') });
    const accounts = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? '9103' : 'nobody'));
    const statuses = await Promise.all(accounts.map((accountId) => deliver(accountId)));
    expect(statuses).toEqual(accounts.map((accountId) => (accountId === '9103' ? 200 : 401)));
    expect((await rowsOf('9103')).inbox).toBe(20);
  });

  it('drops, unapplied, a delivery stored just before its account was purged', async () => {
    await seedAccount(db, { id: '9102', webhookToken: tokenOf('9102') });
    // The token was checked and the row written; the purge then removed the account before the
    // processor reached the row (the window between an intake's check and its INSERT).
    await intake.app.close().catch(() => undefined);
    intake = await startTestApp(database().url, { INBOX_PROCESSOR: 'false' });
    expect(await deliver('9102')).toBe(200);
    await db.execute('DELETE FROM accounts WHERE id = ?', ['9102']);
    await intake.close();
    intake = await startTestApp(database().url, { INBOX_PROCESSOR_THREAD: 'false' });
    await waitFor(
      () => rowsOf('9102'),
      (rows) => rows.inbox === 0,
    );
    expect(await rowsOf('9102')).toEqual({ calls: 0, inbox: 0 });
  });
});
