import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AircallCall, AircallContact, AircallUser } from '../src/aircall/aircall-types';
import { CallUpserter } from '../src/calls/call-upserter';
import { Database } from '../src/database/database';
import { contactRecord, userRecord } from '../src/directory/directory-records';
import { DirectoryUpserter } from '../src/directory/directory-upserter';
import { InboxProcessor } from '../src/webhooks/inbox-processor';
import { seedAccount } from './support/seed';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', 'aircall', name), 'utf8')) as T;

const TOKEN = 'recorded-bodies-webhook-token';
/** An OAuth install of recorded body 05's company (company_id 1). */
const ACCOUNT = '401';

/**
 * Every body recorded from Aircall (test/fixtures/aircall/) goes through the service as Aircall would
 * send it — webhooks through POST /aircall/webhook, API answers through the upserters the sync uses —
 * and is stored. The directory keeps, field by field, what the fullest and newest source said.
 */
describeEachEngine('Recorded Aircall bodies, end to end', (database) => {
  let t: TestApp;
  let db: Database;

  const deliver = async (body: Record<string, unknown>) => {
    const res = await fetch(`${t.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, token: TOKEN }),
    });
    expect({ event: body.event, status: res.status }).toEqual({ event: body.event, status: 200 });
    expect(await res.json()).toEqual({ status: 'stored' });
  };
  const processAll = async () => {
    while ((await t.get(InboxProcessor).processBatch()) > 0);
  };
  const inbox = () =>
    db.query<{ event: string; status: string; last_error: string | null }>(
      'SELECT event, status, last_error FROM webhook_events WHERE account_id = ? ORDER BY event',
      [ACCOUNT],
    );
  const user = async (id: number) =>
    (
      await db.query<Record<string, unknown>>(
        'SELECT name, email, substatus, time_zone, language, wrap_up_time, availability_status FROM users WHERE account_id = ? AND id = ?',
        [ACCOUNT, id],
      )
    )[0];
  const api = (at: Date) => ({ accountId: ACCOUNT, source: 'api', at });

  beforeAll(async () => {
    t = await startTestApp(database().url, { INBOX_PROCESSOR: 'false' });
    db = t.get(Database);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    for (const table of [
      'webhook_events',
      'call_comments',
      'call_tags',
      'call_teams',
      'calls',
      'users',
      'numbers',
      'contacts',
      'tags',
      'accounts',
    ])
      await db.execute(`DELETE FROM ${table}`);
    await seedAccount(db, { id: ACCOUNT, authType: 'oauth', aircallCompanyId: '1', webhookToken: TOKEN });
  });

  it('stores every recorded webhook body: call.created with {} objects, call.tagged, number.closed, contact.updated, user.closed.v2 twice', async () => {
    await deliver(fixture('03-webhook-call-created-doc.json'));
    await deliver(fixture('16-webhook-call-tagged-synthetic.json'));
    await deliver(fixture('04-webhook-number-closed-doc.json'));
    await deliver(fixture('06-webhook-contact-updated-synthetic.json'));
    for (const delivery of fixture<Array<Record<string, unknown>>>(
      '07-webhook-user-closed-v2-double-synthetic.json',
    ))
      await deliver(delivery);
    await processAll();
    expect((await inbox()).filter((row) => row.status !== 'applied')).toEqual([]);
    expect(await inbox()).toHaveLength(6);

    const { calls } = await graphqlData<{
      calls: {
        edges: Array<{
          node: { id: string; user: unknown; number: unknown; participants: unknown[]; tags: unknown[] };
        }>;
      };
    }>(
      t.baseUrl,
      TEST_ADMIN_KEY,
      '{ calls(orderBy: STARTED_AT_ASC) { edges { node { id user { id } number { id } participants { type id name phoneNumber } tags { id name taggedBy { id } } } } } }',
    );
    const byId = new Map(calls.edges.map((edge) => [edge.node.id, edge.node]));
    expect(byId.get('123')).toMatchObject({
      user: null,
      number: null,
      participants: [
        { type: 'external', id: null, name: null, phoneNumber: '+1 800-123-4567' },
        { type: 'user', id: '123', name: 'John Doe', phoneNumber: null },
      ],
    });
    expect(byId.get('4186780377')).toMatchObject({
      tags: [{ id: '60692', name: 'Callback Request', taggedBy: null }],
    });
    const [number] = await db.query<{ name: string; open: unknown }>(
      'SELECT name, open FROM numbers WHERE account_id = ? AND id = 456',
      [ACCOUNT],
    );
    expect({ name: number.name, open: db.parseBool(number.open) }).toEqual({
      name: 'My first Aircall Number',
      open: false,
    });
    const [contact] = await db.query<{ aircall_updated_at: unknown }>(
      'SELECT aircall_updated_at FROM contacts WHERE account_id = ? AND id = 518690461',
      [ACCOUNT],
    );
    expect(db.parseDate(contact.aircall_updated_at)?.toISOString()).toBe('2026-09-28T10:23:20.000Z');
    // The second of the two same-second user.closed.v2 deliveries adds the substatus: it stays.
    expect(await user(2078847)).toMatchObject({
      substatus: 'Out for lunch',
      availability_status: 'unavailable',
    });
  });

  it('ends the double user.closed.v2 with the substatus in either order of arrival', async () => {
    const [first, second] = fixture<Array<Record<string, unknown>>>(
      '07-webhook-user-closed-v2-double-synthetic.json',
    );
    await deliver(second);
    await processAll();
    await deliver(first);
    await processAll();
    expect(await user(2078847)).toMatchObject({ substatus: 'Out for lunch' });
  });

  it('stores the recorded API bodies: a live call, the reference call, a contact, a page of /v2/users', async () => {
    const live = fixture<AircallCall>('01-call-rest-live-estuary.json');
    const reference = fixture<{ call: AircallCall }>('02-call-rest-doc-reference.json').call;
    await t.get(CallUpserter).apply(
      db.autocommit,
      [live, reference].map((call) => ({ ...api(new Date()), call })),
    );
    const users = fixture<{ users: AircallUser[] }>('09-users-v2-list-live-estuary.json').users;
    const contact = fixture<AircallContact>('08-contact-rest-live-estuary.json');
    await t.get(DirectoryUpserter).apply(
      db.autocommit,
      [...users.map((u) => userRecord(u, false)), contactRecord(contact, false)].map((record) => ({
        ...api(new Date()),
        record,
      })),
    );
    const calls = await db.query<{ id: unknown; user_id: unknown; cost: unknown }>(
      'SELECT CAST(id AS CHAR) AS id, CAST(user_id AS CHAR) AS user_id, cost FROM calls WHERE account_id = ? ORDER BY started_at',
      [ACCOUNT],
    );
    expect(calls.map((c) => [String(c.id), String(c.user_id), Number(c.cost)])).toEqual([
      ['812', '456', 2.34],
      ['4186780376', '2078847', 3],
    ]);
    const [comment] = await db.query<{ content: string; posted_by_id: unknown }>(
      'SELECT content, posted_by_id FROM call_comments WHERE account_id = ?',
      [ACCOUNT],
    );
    expect({ ...comment, posted_by_id: String(comment.posted_by_id) }).toEqual({
      content: 'Please call back this customer!',
      posted_by_id: '456',
    });
    const [stored] = await db.query<{ first_name: string; phone_numbers: unknown }>(
      'SELECT first_name, phone_numbers FROM contacts WHERE account_id = ? AND id = 518690461',
      [ACCOUNT],
    );
    expect(db.parseJson(stored.phone_numbers)).toEqual(contact.phone_numbers);
  });

  it('never lets a trimmed copy nested in a call erase what /v2/users set, nor an older full copy a newer value', async () => {
    const users = fixture<{ users: AircallUser[] }>('09-users-v2-list-live-estuary.json').users;
    const full = users[0];
    await t
      .get(DirectoryUpserter)
      .apply(db.autocommit, [{ ...api(new Date('2026-09-28T12:00:00Z')), record: userRecord(full, false) }]);
    // Later, the user arrives nested in a call (no substatus) and in a comment (no time_zone, language, wrap_up_time).
    const reference = fixture<{ call: AircallCall }>('02-call-rest-doc-reference.json').call;
    const author = { ...reference.comments![0].posted_by!, id: full.id, name: full.name };
    const nested = {
      ...fixture<AircallCall>('01-call-rest-live-estuary.json'),
      comments: [{ ...reference.comments![0], posted_by: author }],
    };
    await t
      .get(CallUpserter)
      .apply(db.autocommit, [{ ...api(new Date('2026-09-28T13:00:00Z')), call: nested }]);
    expect(await user(full.id)).toEqual({
      name: 'Jonathan Wihl',
      email: 'jonathan@estuary.dev',
      substatus: 'always_opened',
      time_zone: 'Etc/UTC',
      language: 'en-US',
      wrap_up_time: 0,
      availability_status: expect.any(String),
    });
    // An older full copy arriving late changes nothing the newer copies set.
    await t.get(DirectoryUpserter).apply(db.autocommit, [
      {
        ...api(new Date('2026-09-28T11:00:00Z')),
        record: userRecord({ ...full, name: 'Old Name', substatus: 'always_closed' }, false),
      },
    ]);
    expect(await user(full.id)).toMatchObject({ name: 'Jonathan Wihl', substatus: 'always_opened' });
  });

  it('marks the OAuth account uninstalled on recorded body 05', async () => {
    await deliver(fixture('05-webhook-integration-deleted-doc.json'));
    await processAll();
    expect(await inbox()).toEqual([{ event: 'integration.deleted', status: 'applied', last_error: null }]);
    const [account] = await db.query<{ status: string }>('SELECT status FROM accounts WHERE id = ?', [
      ACCOUNT,
    ]);
    expect(account.status).toBe('uninstalled');
  });
});
