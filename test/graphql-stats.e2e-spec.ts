import { aCall, aNumber, aTag, aTeam, aUser } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { createKey, storeCalls, unix } from './support/graphql-fixtures';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const A = '3001';
const B = '3002';
const alice = aUser({ name: 'Alice' });
const bob = aUser({ name: 'Bob' });
const carol = aUser({ name: 'Carol' });
const sales = aTeam({ name: 'Sales' });
const vip = aTag({ name: 'vip' });
const line = aNumber({ name: 'Main line' });

// Hand-made data set; each figure below is computed by hand from it.
// UTC day / Paris day (UTC+2 in June) / direction / answered after / ended after → in-call, waiting
const s1 = aCall({ started_at: unix('2024-06-01T08:00:00Z') })
  .inbound()
  .on(line)
  .ringingOn(sales)
  .answeredBy(alice, 10)
  .endedAfter(100)
  .tagged(vip); // 06-01 / 06-01, 90s, 10s
const s2 = aCall({ started_at: unix('2024-06-01T09:00:00Z') })
  .inbound()
  .on(line)
  .ringingOn(sales)
  .answeredBy(alice, 20)
  .endedAfter(80); // 06-01 / 06-01, 60s, 20s
const s3 = aCall({ started_at: unix('2024-06-01T21:30:00Z') })
  .inbound()
  .on(line)
  .ringingOn(sales)
  .missed(); // 06-01 / 06-01 23:30
const s4 = aCall({ started_at: unix('2024-06-01T22:30:00Z') })
  .outbound()
  .on(line)
  .answeredBy(bob, 5)
  .endedAfter(305)
  .tagged(vip); // 06-01 / 06-02 00:30, 300s, 5s
const s5 = aCall({ started_at: unix('2024-06-03T12:00:00Z') })
  .inbound()
  .on(line)
  .answeredBy(bob, 30)
  .endedAfter(150); // 06-03 (Mon) / 06-03, 120s, 30s
const s6 = aCall({ started_at: unix('2024-06-02T23:30:00Z') })
  .inbound()
  .on(line)
  .missed(); // 06-02 (Sun) / 06-03 01:30 (Mon)
const b1 = aCall({ started_at: unix('2024-06-01T10:00:00Z') })
  .inbound()
  .answeredBy(carol, 1)
  .endedAfter(11);

const STATS = `query ($groupBy: StatsGroupBy!, $filter: CallFilter, $timeZone: String) {
  callStats(groupBy: $groupBy, filter: $filter, timeZone: $timeZone) {
    key label accountId start end total inbound outbound answered missed missedRate avgInCallDuration p90InCallDuration avgWaitingDuration
  }
}`;

type Bucket = Record<string, unknown> & { avgWaitingDuration: number | null; missedRate: number };

describeEachEngine('GraphQL callStats', (db) => {
  let app: TestApp;
  const stats = async (variables: Record<string, unknown>, key = TEST_ADMIN_KEY): Promise<Bucket[]> =>
    (await graphqlData<{ callStats: Bucket[] }>(app.baseUrl, key, STATS, variables)).callStats;

  beforeAll(async () => {
    app = await startTestApp(db().url);
    await storeCalls(
      app,
      A,
      [s1, s2, s3, s4, s5, s6].map((c) => c.build()),
    );
    await storeCalls(app, B, [b1.build()]);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts by UTC day', async () => {
    const buckets = await stats({ groupBy: 'DAY', filter: { accountId: A } });
    expect(
      buckets.map((b) => [
        b.key,
        b.total,
        b.inbound,
        b.outbound,
        b.answered,
        b.missed,
        b.avgInCallDuration,
        b.p90InCallDuration,
      ]),
    ).toEqual([
      ['2024-06-01', 4, 3, 1, 3, 1, 150, 300],
      ['2024-06-02', 1, 1, 0, 0, 1, null, null],
      ['2024-06-03', 1, 1, 0, 1, 0, 120, 120],
    ]);
    expect(buckets[0]).toMatchObject({
      label: '2024-06-01',
      start: '2024-06-01T00:00:00.000Z',
      end: '2024-06-02T00:00:00.000Z',
      accountId: null,
    });
    expect(buckets[0].missedRate).toBeCloseTo(1 / 3, 6);
    expect(buckets[0].avgWaitingDuration).toBeCloseTo(35 / 3, 3);
    expect(buckets[1]).toMatchObject({ missedRate: 1, avgWaitingDuration: null });
  });

  it('counts by day in another time zone (Europe/Paris, UTC+2 in June)', async () => {
    const buckets = await stats({ groupBy: 'DAY', filter: { accountId: A }, timeZone: 'Europe/Paris' });
    expect(
      buckets.map((b) => [
        b.key,
        b.total,
        b.inbound,
        b.outbound,
        b.answered,
        b.missed,
        b.missedRate,
        b.avgInCallDuration,
        b.p90InCallDuration,
        b.avgWaitingDuration,
      ]),
    ).toEqual([
      ['2024-06-01', 3, 3, 0, 2, 1, expect.closeTo(1 / 3, 6), 75, 90, 15],
      ['2024-06-02', 1, 0, 1, 1, 0, 0, 300, 300, 5],
      ['2024-06-03', 2, 2, 0, 1, 1, 0.5, 120, 120, 30],
    ]);
    expect(buckets[0]).toMatchObject({ start: '2024-05-31T22:00:00.000Z', end: '2024-06-01T22:00:00.000Z' });
  });

  it('gives the same Paris days with an explicit time range', async () => {
    const buckets = await stats({
      groupBy: 'DAY',
      filter: { accountId: A, startedAfter: '2024-05-31T22:00:00Z', startedBefore: '2024-06-03T22:00:00Z' },
      timeZone: 'Europe/Paris',
    });
    expect(buckets.map((b) => [b.key, b.total])).toEqual([
      ['2024-06-01', 3],
      ['2024-06-02', 1],
      ['2024-06-03', 2],
    ]);
  });

  it('gives the same buckets over a range too long to enumerate day by day (GROUP BY path)', async () => {
    const long = {
      accountId: A,
      startedAfter: '2023-01-01T00:00:00Z',
      startedBefore: '2025-06-01T00:00:00Z',
    };
    for (const [groupBy, timeZone] of [
      ['DAY', 'UTC'],
      ['DAY', 'Europe/Paris'],
      ['WEEK', 'Europe/Paris'],
    ]) {
      const short = await stats({
        groupBy,
        filter: { ...long, startedAfter: '2024-05-20T00:00:00Z', startedBefore: '2024-06-10T00:00:00Z' },
        timeZone,
      });
      expect(await stats({ groupBy, filter: long, timeZone })).toEqual(short);
    }
  });

  it('counts by ISO week (starting Monday) in the requested time zone', async () => {
    const utc = await stats({ groupBy: 'WEEK', filter: { accountId: A } });
    expect(utc.map((b) => [b.key, b.label, b.total, b.missed])).toEqual([
      ['2024-05-27', 'Week of 2024-05-27', 5, 2],
      ['2024-06-03', 'Week of 2024-06-03', 1, 0],
    ]);
    expect(utc[0]).toMatchObject({ start: '2024-05-27T00:00:00.000Z', end: '2024-06-03T00:00:00.000Z' });
    const paris = await stats({ groupBy: 'WEEK', filter: { accountId: A }, timeZone: 'Europe/Paris' });
    expect(paris.map((b) => [b.key, b.total, b.missed, b.p90InCallDuration])).toEqual([
      ['2024-05-27', 4, 1, 300],
      ['2024-06-03', 2, 1, 120],
    ]);
  });

  it('counts by user, team, tag and number, with labels and a "none" group', async () => {
    const users = await stats({ groupBy: 'USER', filter: { accountId: A } });
    expect(
      users.map((b) => [
        b.key,
        b.label,
        b.accountId,
        b.total,
        b.inbound,
        b.outbound,
        b.answered,
        b.missed,
        b.avgInCallDuration,
        b.p90InCallDuration,
      ]),
    ).toEqual([
      [String(alice.id), 'Alice', A, 2, 2, 0, 2, 0, 75, 90],
      [String(bob.id), 'Bob', A, 2, 1, 1, 2, 0, 210, 300],
      ['none', null, A, 2, 2, 0, 0, 2, null, null],
    ]);
    const teams = await stats({ groupBy: 'TEAM', filter: { accountId: A } });
    expect(teams.map((b) => [b.key, b.label, b.total, b.missed])).toEqual([
      [String(sales.id), 'Sales', 3, 1],
      ['none', null, 3, 1],
    ]);
    const tags = await stats({ groupBy: 'TAG', filter: { accountId: A } });
    expect(tags.map((b) => [b.key, b.label, b.total, b.avgInCallDuration, b.p90InCallDuration])).toEqual([
      ['none', null, 4, 90, 120],
      [String(vip.id), 'vip', 2, 195, 300],
    ]);
    const numbers = await stats({ groupBy: 'NUMBER', filter: { accountId: A } });
    expect(numbers.map((b) => [b.key, b.label, b.total])).toEqual([[String(line.id), 'Main line', 6]]);
  });

  it('applies the call filter before grouping', async () => {
    const buckets = await stats({
      groupBy: 'DAY',
      filter: { accountId: A, direction: 'INBOUND', missed: false },
    });
    expect(buckets.map((b) => [b.key, b.total])).toEqual([
      ['2024-06-01', 2],
      ['2024-06-03', 1],
    ]);
  });

  it('keeps a reader limited to one account inside it', async () => {
    const readerA = await createKey(app, 'READER', [A]);
    const buckets = await stats({ groupBy: 'USER' }, readerA);
    expect(buckets.map((b) => b.label)).toEqual(['Alice', 'Bob', null]);
    const everyone = await stats({ groupBy: 'USER' });
    expect(everyone.map((b) => b.label)).toContain('Carol');
    const forbidden = await graphql(app.baseUrl, readerA, STATS, {
      groupBy: 'DAY',
      filter: { accountId: B },
    });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('rejects an unknown time zone naming the argument', async () => {
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, STATS, {
      groupBy: 'DAY',
      timeZone: 'Mars/Olympus',
    });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
  });

  it('returns no bucket when no call matches', async () => {
    expect(await stats({ groupBy: 'DAY', filter: { accountId: '9999' } })).toEqual([]);
    expect(await stats({ groupBy: 'TAG', filter: { accountId: '9999' } })).toEqual([]);
  });
});
