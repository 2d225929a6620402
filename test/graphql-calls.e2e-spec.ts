import { aCall, aContact, aNumber, aTag, aTeam, aUser } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { storeCalls, unix } from './support/graphql-fixtures';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const A = '1001';
const B = '2002';

const alice = aUser({ name: 'Alice' });
const bob = aUser({ name: 'Bob' });
const carol = aUser({ name: 'Carol' });
const sales = aTeam({ name: 'Sales' });
const vip = aTag({ name: 'vip', color: '#FF0000' });
const lineA = aNumber({ name: 'Paris line' });
const lineB = aNumber({ name: 'London line' });
const ada = aContact({ first_name: 'Ada' });

const answered = aCall({ started_at: unix('2024-06-01T10:00:00Z') })
  .inbound()
  .on(lineA)
  .from('+33 1 23 45 67 89')
  .withContact(ada)
  .ringingOn(sales)
  .answeredBy(alice, 10)
  .endedAfter(100)
  .tagged(vip, bob, unix('2024-06-01T10:05:00Z'))
  .commented('called back', alice, unix('2024-06-01T10:06:00Z'))
  .transferred(alice, bob)
  .assignedTo(bob);
const missed = aCall({ started_at: unix('2024-06-01T12:00:00Z') })
  .inbound()
  .on(lineA)
  .from('0033123456789')
  .ringingOn(sales)
  .missed()
  .voicemail();
const outbound = aCall({ started_at: unix('2024-06-02T09:00:00Z') })
  .outbound()
  .on(lineA)
  .from('+44 20 7946 0000')
  .answeredBy(bob, 5)
  .endedAfter(65)
  .archived();
const late = aCall({ started_at: unix('2024-06-03T23:30:00Z') })
  .inbound()
  .on(lineA)
  .from('+44 20 7946 0001')
  .answeredBy(bob, 20)
  .endedAfter(220);
const otherAccount = aCall({ started_at: unix('2024-06-01T11:00:00Z') })
  .inbound()
  .on(lineB)
  .from('+33123456789')
  .answeredBy(carol, 3)
  .endedAfter(30);

const ids = {
  answered: String(answered.id),
  missed: String(missed.id),
  outbound: String(outbound.id),
  late: String(late.id),
  otherAccount: String(otherAccount.id),
};

const CALL_IDS = `query ($filter: CallFilter, $first: Int, $orderBy: CallOrder) {
  calls(filter: $filter, first: $first, orderBy: $orderBy) { totalCount edges { node { id } } }
}`;

describeEachEngine('GraphQL calls', (db) => {
  let app: TestApp;

  const idsMatching = async (filter: Record<string, unknown>): Promise<string[]> => {
    const data = await graphqlData<{ calls: { totalCount: number; edges: Array<{ node: { id: string } }> } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CALL_IDS,
      {
        filter,
        first: 100,
      },
    );
    expect(data.calls.totalCount).toBe(data.calls.edges.length);
    return data.calls.edges.map((e) => e.node.id);
  };

  beforeAll(async () => {
    app = await startTestApp(db().url);
    await storeCalls(app, A, [answered.build(), missed.build(), outbound.build(), late.build()]);
    await storeCalls(app, B, [otherAccount.build()]);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists every visible call newest first, and oldest first on request', async () => {
    expect(await idsMatching({})).toEqual([
      ids.late,
      ids.outbound,
      ids.missed,
      ids.otherAccount,
      ids.answered,
    ]);
    const asc = await graphqlData<{ calls: { edges: Array<{ node: { id: string } }> } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CALL_IDS,
      {
        orderBy: 'STARTED_AT_ASC',
      },
    );
    expect(asc.calls.edges.map((e) => e.node.id)).toEqual([
      ids.answered,
      ids.otherAccount,
      ids.missed,
      ids.outbound,
      ids.late,
    ]);
  });

  it('filters by account, time range (after inclusive, before exclusive), direction and status', async () => {
    expect(await idsMatching({ accountId: B })).toEqual([ids.otherAccount]);
    expect(
      await idsMatching({ startedAfter: '2024-06-01T12:00:00Z', startedBefore: '2024-06-03T23:30:00Z' }),
    ).toEqual([ids.outbound, ids.missed]);
    expect(await idsMatching({ direction: 'OUTBOUND' })).toEqual([ids.outbound]);
    expect(await idsMatching({ accountId: A, direction: 'INBOUND', status: 'DONE' })).toEqual([
      ids.late,
      ids.missed,
      ids.answered,
    ]);
  });

  it('filters by missed, user, team, tag, number and contact', async () => {
    expect(await idsMatching({ missed: true })).toEqual([ids.missed]);
    expect(await idsMatching({ missed: false, accountId: A })).toEqual([
      ids.late,
      ids.outbound,
      ids.answered,
    ]);
    expect(await idsMatching({ userId: String(bob.id) })).toEqual([ids.late, ids.outbound, ids.answered]);
    expect(await idsMatching({ teamId: String(sales.id) })).toEqual([ids.missed, ids.answered]);
    expect(await idsMatching({ tagId: String(vip.id) })).toEqual([ids.answered]);
    expect(await idsMatching({ numberId: String(lineB.id) })).toEqual([ids.otherAccount]);
    expect(await idsMatching({ contactId: String(ada.id) })).toEqual([ids.answered]);
  });

  it('matches a phone number whatever its international format', async () => {
    for (const phone of [
      '+33 1 23 45 67 89',
      '0033123456789',
      '+33123456789',
      '+33 (0)1-23-45-67-89'.replace('(0)', ''),
    ]) {
      expect([phone, await idsMatching({ phone })]).toEqual([
        phone,
        [ids.missed, ids.otherAccount, ids.answered],
      ]);
    }
    expect(await idsMatching({ phone: '+44 20 7946 0000' })).toEqual([ids.outbound]);
  });

  it('filters by recording, voicemail and archived, and combines filters', async () => {
    expect(await idsMatching({ hasRecording: true, accountId: A })).toEqual([
      ids.late,
      ids.outbound,
      ids.answered,
    ]);
    expect(await idsMatching({ hasVoicemail: true })).toEqual([ids.missed]);
    expect(await idsMatching({ hasVoicemail: false, hasRecording: false })).toEqual([]);
    expect(await idsMatching({ archived: true })).toEqual([ids.outbound]);
    expect(
      await idsMatching({ archived: false, userId: String(bob.id), startedAfter: '2024-06-03T00:00:00Z' }),
    ).toEqual([ids.late]);
  });

  it('exposes every stored column and the related rows of a call', async () => {
    const { call } = await graphqlData<{ call: Record<string, unknown> }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `query ($id: ID!) { call(id: $id) {
        id accountId directLink direction status startedAt answeredAt endedAt duration missed missedCallReason
        inCallDuration waitingDuration rawDigits digits archived cost countryCode recordingUrl voicemailUrl assetUrl
        hangupCause lastEvent updatedAt
        user { id name } assignedTo { name } transferredBy { name } transferredTo { name }
        number { id name digits } contact { id firstName phoneNumbers { value } }
        teams { id name members { id } } tags { id name color taggedAt taggedBy { name } }
        comments { content postedAt postedBy { name } }
      } }`,
      { id: ids.answered },
    );
    expect(call).toMatchObject({
      id: ids.answered,
      accountId: A,
      directLink: `https://api.aircall.io/v1/calls/${ids.answered}`,
      direction: 'INBOUND',
      status: 'done',
      startedAt: '2024-06-01T10:00:00.000Z',
      answeredAt: '2024-06-01T10:00:10.000Z',
      endedAt: '2024-06-01T10:01:40.000Z',
      duration: 100,
      missed: false,
      missedCallReason: null,
      inCallDuration: 90,
      waitingDuration: 10,
      rawDigits: '+33 1 23 45 67 89',
      digits: '33123456789',
      archived: false,
      cost: 0,
      countryCode: 'FR',
      voicemailUrl: null,
      lastEvent: 'api',
      user: { id: String(bob.id), name: 'Bob' },
      assignedTo: { name: 'Bob' },
      transferredBy: { name: 'Alice' },
      transferredTo: { name: 'Bob' },
      number: { id: String(lineA.id), name: 'Paris line', digits: '+33 1 76 36 00 00' },
      contact: { id: String(ada.id), firstName: 'Ada', phoneNumbers: [{ value: '+33123456789' }] },
      teams: [{ id: String(sales.id), name: 'Sales' }],
      tags: [
        {
          id: String(vip.id),
          name: 'vip',
          color: '#FF0000',
          taggedAt: '2024-06-01T10:05:00.000Z',
          taggedBy: { name: 'Bob' },
        },
      ],
      comments: [
        { content: 'called back', postedAt: '2024-06-01T10:06:00.000Z', postedBy: { name: 'Alice' } },
      ],
    });
    expect(call.recordingUrl).toMatch(/^https:\/\//);
    expect(call.assetUrl).toMatch(/^https:\/\//);
    expect(typeof call.updatedAt).toBe('string');
  });

  it('returns null for an unknown call and names the field of a bad id', async () => {
    expect(
      (await graphqlData<{ call: unknown }>(app.baseUrl, TEST_ADMIN_KEY, '{ call(id: "999999999") { id } }'))
        .call,
    ).toBeNull();
    const bad = await graphql(app.baseUrl, TEST_ADMIN_KEY, '{ call(id: "abc") { id } }');
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('names the field of an invalid filter', async () => {
    const phone = await graphql(app.baseUrl, TEST_ADMIN_KEY, CALL_IDS, { filter: { phone: 'anonymous' } });
    expect(phone.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.phone' });
    const user = await graphql(app.baseUrl, TEST_ADMIN_KEY, CALL_IDS, { filter: { userId: 'bob' } });
    expect(user.errors?.[0].message).toBe('filter.userId: must be an Aircall id (digits)');
    const status = await graphql(app.baseUrl, TEST_ADMIN_KEY, CALL_IDS, { filter: { status: 'missed' } });
    expect(status.errors?.[0].extensions).toMatchObject({ field: 'filter.status' });
  });

  it("lists the directory with each entry's calls as a nested connection", async () => {
    const data = await graphqlData<{
      users: Array<{ name: string; calls: { totalCount: number; edges: Array<{ node: { id: string } }> } }>;
      teams: Array<{ name: string; members: Array<{ name: string }>; calls: { totalCount: number } }>;
      tags: Array<{ name: string; calls: { edges: Array<{ node: { id: string } }> } }>;
      numbers: Array<{ name: string; calls: { totalCount: number } }>;
    }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `query ($a: ID) {
        users(accountId: $a) { name calls(first: 2) { totalCount edges { node { id } } } }
        teams(accountId: $a) { name members { name } calls(first: 0) { totalCount } }
        tags(accountId: $a) { name calls(first: 5) { edges { node { id } } } }
        numbers(accountId: $a) { name calls(first: 0, filter: { direction: INBOUND }) { totalCount } }
      }`,
      { a: A },
    );
    expect(data.users.map((u) => [u.name, u.calls.totalCount, u.calls.edges.map((e) => e.node.id)])).toEqual([
      ['Alice', 0, []],
      ['Bob', 3, [ids.late, ids.outbound]],
    ]);
    expect(data.teams).toEqual([{ name: 'Sales', members: [], calls: { totalCount: 2 } }]);
    expect(data.tags).toEqual([{ name: 'vip', calls: { edges: [{ node: { id: ids.answered } }] } }]);
    expect(data.numbers).toEqual([{ name: 'Paris line', calls: { totalCount: 3 } }]);
  });
});
