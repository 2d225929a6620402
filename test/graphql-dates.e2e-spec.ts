import { aCall } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { graphql } from './support/graphql-client';
import { storeCalls, unix } from './support/graphql-fixtures';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const ACCOUNT = '5301';
const COUNT = 'query ($f: CallFilter) { calls(filter: $f) { totalCount } }';
const STATS = 'query ($f: CallFilter) { callStats(groupBy: DAY, filter: $f) { key total } }';

/**
 * A DateTime that is not a real ISO-8601 instant is a BAD_USER_INPUT naming the field — as a
 * variable and as a literal — instead of a filter that silently matches nothing (or everything).
 */
describeEachEngine('GraphQL dates', (database) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(database().url, { INBOX_PROCESSOR: 'false' });
    await storeCalls(app, ACCOUNT, [
      aCall({ started_at: unix('2026-06-01T10:00:00Z') })
        .inbound()
        .endedAfter(60)
        .build(),
      aCall({ started_at: unix('2026-06-03T10:00:00Z') })
        .inbound()
        .endedAfter(60)
        .build(),
    ]);
  });
  afterAll(async () => {
    await app?.close();
  });

  const NOT_INSTANTS: unknown[] = [
    'yesterday',
    '2026-13-45T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '',
    '2026-06-01',
    '2026-06-01T10:00:00',
    1_717_236_000,
    '1000-01-01T00:00:00Z',
  ];

  it('refuses each variable that is no instant, naming its field', async () => {
    for (const value of NOT_INSTANTS) {
      const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, COUNT, { f: { startedAfter: value } });
      expect([value, res.status, res.errors?.[0]?.extensions]).toEqual([
        value,
        400,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'f.startedAfter' }),
      ]);
    }
  });

  it('refuses each literal that is no instant, naming its argument path', async () => {
    for (const value of NOT_INSTANTS) {
      const literal = typeof value === 'string' ? JSON.stringify(value) : String(value);
      const res = await graphql(
        app.baseUrl,
        TEST_ADMIN_KEY,
        `{ calls(filter: { startedBefore: ${literal} }) { totalCount } }`,
      );
      expect([value, res.errors?.[0]?.extensions]).toEqual([
        value,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.startedBefore' }),
      ]);
    }
  });

  it('reads an instant with any offset, fractions or not', async () => {
    for (const [value, total] of [
      ['2026-06-02T00:00:00Z', 1],
      ['2026-06-02T02:00:00+02:00', 1],
      ['2026-06-01T09:59:59.999-00:00', 2],
      ['2026-06-01T10:00:00.5Z', 1],
    ] as const) {
      const res = await graphql<{ calls: { totalCount: number } }>(app.baseUrl, TEST_ADMIN_KEY, COUNT, {
        f: { startedAfter: value },
      });
      expect([value, res.errors, res.data?.calls.totalCount]).toEqual([value, undefined, total]);
    }
  });

  it('bounds DAY and WEEK statistics to ten years, saying which bound to narrow', async () => {
    const tooLong = await graphql(app.baseUrl, TEST_ADMIN_KEY, STATS, {
      f: { startedAfter: '1971-01-01T00:00:00Z', startedBefore: '2000-01-01T00:00:00Z' },
    });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.startedAfter',
    });
    expect(tooLong.errors?.[0]?.message).toMatch(/at most 3660 days/);
    const openEnded = await graphql(app.baseUrl, TEST_ADMIN_KEY, STATS, {
      f: { startedAfter: '1990-01-01T00:00:00Z' },
    });
    expect(openEnded.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.startedBefore',
    });
  });

  it('keeps the unfiltered statistics to what lies before tomorrow, whatever a stored call says', async () => {
    // A call stored with a start in the year 2500 (by a version that accepted it): the default range
    // ends a day from now rather than walking 475 years of days.
    await storeCalls(app, ACCOUNT, [aCall({ started_at: unix('2500-01-01T00:00:00Z') }).build()]);
    const res = await graphql<{ callStats: Array<{ key: string; total: number }> }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      STATS,
      {},
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.callStats).toEqual([
      { key: '2026-06-01', total: 1 },
      { key: '2026-06-03', total: 1 },
    ]);
  });
});
