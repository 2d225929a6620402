import { aCall, aUser } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { storeCalls, unix } from './support/graphql-fixtures';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const ACCOUNT = '3101';
const ana = aUser({ name: 'Ana' });
const day = (hour: number) => unix(`2024-06-01T${String(hour).padStart(2, '0')}:00:00Z`);

// One inbound call of each Aircall Analytics call type, and an outbound one (no outcome).
const answered = aCall({ started_at: day(8) })
  .inbound()
  .answeredBy(ana)
  .endedAfter(60);
const missed = aCall({ started_at: day(9) })
  .inbound()
  .missed('agents_did_not_answer');
const abandoned = aCall({ started_at: day(10) })
  .inbound()
  .missed('short_abandoned', 4);
const outOfHours = aCall({ started_at: day(11) })
  .inbound()
  .missed('out_of_opening_hours')
  .voicemail();
const voicemail = aCall({ started_at: day(12) })
  .inbound()
  .missed('no_available_agent')
  .voicemail();
const outbound = aCall({ started_at: day(13) })
  .outbound()
  .answeredBy(ana)
  .endedAfter(30);
const transferredOut = aCall({ started_at: day(14) })
  .inbound()
  .answeredBy(ana)
  .endedAfter(40)
  .with({
    external_transferred_to: '+33 1 23 45 67 89',
    external_caller_number: '+33 6 12 34 56 78',
    ivr_options_selected: [
      {
        id: 'opt-1',
        title: 'Sales',
        key: '1',
        branch: 'digit',
        created_at: '2024-06-01T14:00:02.000Z',
        transition_started_at: '2024-06-01T14:00:02.000Z',
        transition_ended_at: '2024-06-01T14:00:05.000Z',
      },
    ],
  });

describeEachEngine('GraphQL: call outcomes, participants, IVR path, external transfers', (db) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(db().url);
    await storeCalls(
      app,
      ACCOUNT,
      [answered, missed, abandoned, outOfHours, voicemail, outbound, transferredOut].map((c) => c.build()),
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  const calls = async (filter: Record<string, unknown>) =>
    (
      await graphqlData<{
        calls: { totalCount: number; edges: Array<{ node: { id: string; outcome: string | null } }> };
      }>(
        app.baseUrl,
        TEST_ADMIN_KEY,
        'query ($filter: CallFilter) { calls(filter: $filter, orderBy: STARTED_AT_ASC) { totalCount edges { node { id outcome } } } }',
        { filter },
      )
    ).calls;

  it('types every inbound call as Aircall Analytics does, and leaves outbound calls untyped', async () => {
    const { edges } = await calls({});
    expect(edges.map((edge) => edge.node.outcome)).toEqual([
      'ANSWERED',
      'MISSED',
      'ABANDONED',
      'OUT_OF_HOURS',
      'VOICEMAIL',
      null,
      'ANSWERED',
    ]);
  });

  it('filters calls by outcome', async () => {
    expect((await calls({ outcome: 'VOICEMAIL' })).edges.map((edge) => edge.node.id)).toEqual([
      String(voicemail.id),
    ]);
    expect((await calls({ outcome: 'ANSWERED' })).totalCount).toBe(2);
    // `missed` keeps its own meaning: every unanswered inbound call.
    expect((await calls({ missed: true })).totalCount).toBe(4);
  });

  it('counts inbound calls by outcome in callStats, by day and by user', async () => {
    const { callStats } = await graphqlData<{
      callStats: Array<{ key: string; total: number; missed: number; outcomes: Record<string, number> }>;
    }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      '{ callStats(groupBy: DAY) { key total missed outcomes { answered missed abandoned outOfHours voicemail } } }',
    );
    expect(callStats).toEqual([
      {
        key: '2024-06-01',
        total: 7,
        missed: 4,
        outcomes: { answered: 2, missed: 1, abandoned: 1, outOfHours: 1, voicemail: 1 },
      },
    ]);
    const byUser = await graphqlData<{
      callStats: Array<{ label: string | null; outcomes: { answered: number } }>;
    }>(app.baseUrl, TEST_ADMIN_KEY, '{ callStats(groupBy: USER) { label outcomes { answered } } }');
    expect(byUser.callStats.find((bucket) => bucket.label === 'Ana')?.outcomes.answered).toBe(2);
  });

  it('exposes participants, the IVR path, external transfer fields and the stable asset link', async () => {
    const { call } = await graphqlData<{ call: Record<string, unknown> }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `{ call(id: "${transferredOut.id}") {
          participants { type id name phoneNumber }
          ivrOptionsSelected { id title key branch createdAt transitionStartedAt transitionEndedAt }
          externalTransferredTo externalCallerNumber asset callUuid hangupCause } }`,
    );
    expect(call).toEqual({
      participants: [
        { type: 'external', id: null, name: null, phoneNumber: '+33612345678' },
        { type: 'user', id: String(ana.id), name: 'Ana', phoneNumber: null },
      ],
      ivrOptionsSelected: [
        {
          id: 'opt-1',
          title: 'Sales',
          key: '1',
          branch: 'digit',
          createdAt: '2024-06-01T14:00:02.000Z',
          transitionStartedAt: '2024-06-01T14:00:02.000Z',
          transitionEndedAt: '2024-06-01T14:00:05.000Z',
        },
      ],
      externalTransferredTo: '+33 1 23 45 67 89',
      externalCallerNumber: '+33 6 12 34 56 78',
      asset: `https://assets.aircall.io/calls/${transferredOut.id}/recording`,
      callUuid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
      hangupCause: null,
    });
  });
});
