import { Database } from '../src/database/database';
import { DataSource } from 'typeorm';
import type { AircallCall } from '../src/aircall/aircall-types';
import { aCall, aTag, aTeam, aUser } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { storeCalls } from './support/graphql-fixtures';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const A = '4001';
const B = '4002';
const BASE = 1_717_236_000; // 2024-06-01T10:00:00Z

interface Page {
  calls: {
    totalCount?: number;
    edges: Array<{ cursor: string; node: { id: string; accountId: string; startedAt: string } }>;
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
  };
}

const PAGE = `query ($first: Int, $after: String, $orderBy: CallOrder, $filter: CallFilter) {
  calls(first: $first, after: $after, orderBy: $orderBy, filter: $filter) {
    edges { cursor node { id accountId startedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** Calls in both accounts, three per start second, so ties are broken by account and id. */
function seedCalls(count: number, offset = 0): { a: AircallCall[]; b: AircallCall[] } {
  const a: AircallCall[] = [];
  const b: AircallCall[] = [];
  for (let i = 0; i < count; i++) {
    const call = aCall({ started_at: BASE + Math.floor((i + offset) / 3) * 60 })
      .inbound()
      .build();
    (i % 4 === 0 ? b : a).push(call);
  }
  return { a, b };
}

type Key = { startedAt: string; accountId: string; id: string };
const compareKeys = (x: Key, y: Key): number =>
  Date.parse(x.startedAt) - Date.parse(y.startedAt) ||
  (BigInt(x.accountId) < BigInt(y.accountId) ? -1 : BigInt(x.accountId) > BigInt(y.accountId) ? 1 : 0) ||
  (BigInt(x.id) < BigInt(y.id) ? -1 : BigInt(x.id) > BigInt(y.id) ? 1 : 0);

describeEachEngine('GraphQL calls pagination', (db) => {
  let app: TestApp;

  const walk = async (
    orderBy: string,
    first: number,
    onPage?: () => Promise<void>,
  ): Promise<Page['calls']['edges']> => {
    const edges: Page['calls']['edges'] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      const page: Page = await graphqlData<Page>(app.baseUrl, TEST_ADMIN_KEY, PAGE, {
        first,
        after,
        orderBy,
      });
      expect(page.calls.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.calls.pageInfo.startCursor).toBe(page.calls.edges[0]?.cursor ?? null);
      expect(page.calls.pageInfo.endCursor).toBe(
        page.calls.edges[page.calls.edges.length - 1]?.cursor ?? null,
      );
      edges.push(...page.calls.edges);
      if (onPage) await onPage();
      if (!page.calls.pageInfo.hasNextPage) return edges;
      after = page.calls.pageInfo.endCursor;
    }
    throw new Error('pagination did not end');
  };

  beforeAll(async () => {
    app = await startTestApp(db().url, { INBOX_PROCESSOR: 'false' });
    const { a, b } = seedCalls(61);
    await storeCalls(app, A, a);
    await storeCalls(app, B, b);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('walks every call exactly once, newest first, in (startedAt, accountId, id) order', async () => {
    const edges = await walk('STARTED_AT_DESC', 7);
    const nodes = edges.map((e) => e.node);
    expect(nodes).toHaveLength(61);
    expect(new Set(nodes.map((n) => `${n.accountId}:${n.id}`)).size).toBe(61);
    expect(nodes).toEqual([...nodes].sort((x, y) => compareKeys(y, x)));
  });

  it('walks every call exactly once oldest first, and the last page says there is no next one', async () => {
    const edges = await walk('STARTED_AT_ASC', 10);
    const nodes = edges.map((e) => e.node);
    expect(nodes).toHaveLength(61);
    expect(nodes).toEqual([...nodes].sort(compareKeys));
  });

  it('continues after any cursor with the calls that follow it', async () => {
    const all = await walk('STARTED_AT_DESC', 100);
    const from = all[17];
    const next = await graphqlData<Page>(app.baseUrl, TEST_ADMIN_KEY, PAGE, { first: 5, after: from.cursor });
    expect(next.calls.edges.map((e) => e.node.id)).toEqual(all.slice(18, 23).map((e) => e.node.id));
  });

  it('has no gap and no repeat while calls are being inserted concurrently', async () => {
    const before = await walk('STARTED_AT_DESC', 100);
    let inserted = 0;
    let stop = false;
    // New calls land before, inside and after the range being paged through.
    const writer = (async () => {
      while (!stop) {
        const { a, b } = seedCalls(4, Math.floor(Math.random() * 70) - 5);
        await storeCalls(app, A, a);
        await storeCalls(app, B, b);
        inserted += 4;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    let during: Page['calls']['edges'];
    try {
      during = await walk('STARTED_AT_DESC', 6, () => new Promise((r) => setTimeout(r, 5)));
    } finally {
      stop = true;
      await writer;
    }
    expect(inserted).toBeGreaterThan(0);
    const seen = during.map((e) => `${e.node.accountId}:${e.node.id}`);
    expect(new Set(seen).size).toBe(seen.length);
    for (const edge of before) expect(seen).toContain(`${edge.node.accountId}:${edge.node.id}`);
    const nodes = during.map((e) => e.node);
    expect(nodes).toEqual([...nodes].sort((x, y) => compareKeys(y, x)));
  });

  it('answers first: 0 with no edges but says whether calls exist', async () => {
    const empty = await graphqlData<Page>(app.baseUrl, TEST_ADMIN_KEY, PAGE, { first: 0 });
    expect(empty.calls.edges).toEqual([]);
    expect(empty.calls.pageInfo).toMatchObject({ hasNextPage: true, startCursor: null, endCursor: null });
  });

  it('refuses more than 100 per page, a negative size and a foreign cursor, naming the argument', async () => {
    const tooMany = await graphql(app.baseUrl, TEST_ADMIN_KEY, PAGE, { first: 101 });
    expect(tooMany.errors?.[0]).toMatchObject({
      message: 'first: must be between 0 and 100',
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
    const negative = await graphql(app.baseUrl, TEST_ADMIN_KEY, PAGE, { first: -1 });
    expect(negative.errors?.[0].extensions).toMatchObject({ field: 'first' });
    const forged = await graphql(app.baseUrl, TEST_ADMIN_KEY, PAGE, {
      after: Buffer.from('{"offset":40}').toString('base64url'),
    });
    expect(forged.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describeEachEngine('GraphQL statement count', (db) => {
  let app: TestApp;
  const NESTED = `query ($first: Int, $a: ID) {
    calls(first: $first, filter: { accountId: $a }) {
      edges { node {
        id account { id } user { name } assignedTo { name } transferredBy { name } transferredTo { name }
        number { name } contact { firstName } teams { name members { name } }
        tags { name taggedBy { name } } comments { content postedBy { name } }
      } }
    }
  }`;

  beforeAll(async () => {
    app = await startTestApp(db().url, { INBOX_PROCESSOR: 'false', WEBHOOK_CHECK_CRON: 'off' });
    const agents = Array.from({ length: 6 }, (_, i) => aUser({ name: `Agent ${i}` }));
    const teams = [aTeam(), aTeam()];
    const tags = [aTag(), aTag()];
    const calls = Array.from({ length: 60 }, (_, i) =>
      aCall({ started_at: BASE + i * 60 })
        .inbound()
        .ringingOn(teams[i % 2])
        .answeredBy(agents[i % 6], 5)
        .endedAfter(90)
        .tagged(tags[i % 2], agents[(i + 1) % 6])
        .commented(`note ${i}`, agents[(i + 2) % 6])
        .transferred(agents[i % 6], agents[(i + 3) % 6])
        .assignedTo(agents[(i + 4) % 6])
        .build(),
    );
    await storeCalls(app, A, calls);
  });
  afterAll(async () => {
    await app?.close();
  });

  const statementsFor = async (first: number): Promise<number> => {
    // GraphQL reads go through Database.read (a reader thread on SQLite, the pool on MySQL); the rest
    // (the account list) through the DataSource's manager.
    const manager = app.get(DataSource).manager;
    const spy = jest.spyOn(manager, 'query');
    const reads = jest.spyOn(app.get(Database), 'read');
    try {
      const data = await graphqlData<{ calls: { edges: Array<{ node: { user: { name: string } } }> } }>(
        app.baseUrl,
        TEST_ADMIN_KEY,
        NESTED,
        { first, a: A },
      );
      expect(data.calls.edges).toHaveLength(first);
      expect(data.calls.edges.every((e) => e.node.user.name.startsWith('Agent'))).toBe(true);
      return spy.mock.calls.length + reads.mock.calls.length;
    } finally {
      spy.mockRestore();
      reads.mockRestore();
    }
  };

  it('runs as many statements for 50 calls with every nested field as for 5', async () => {
    await statementsFor(1); // first use: MySQL's flavour is read once
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large).toBe(small);
    expect(large).toBeGreaterThanOrEqual(5);
    // page + account list + users + number + contact + teams (ids, rows, members) + tags + comments
    expect(large).toBeLessThanOrEqual(11);
  });
});

describeEachEngine('GraphQL calls of one tag or team (read in link index order)', (db) => {
  const ACCOUNT = '4003';
  const vip = aTag({ id: 7001, name: 'vip' });
  const sales = aTeam({ id: 8001, name: 'sales' });
  let app: TestApp;
  let tagged: AircallCall[];

  const walk = async (filter: Record<string, unknown>, orderBy: string, first: number): Promise<string[]> => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 200; pages++) {
      const page: Page = await graphqlData<Page>(app.baseUrl, TEST_ADMIN_KEY, PAGE, {
        first,
        after,
        orderBy,
        filter: { accountId: ACCOUNT, ...filter },
      });
      ids.push(...page.calls.edges.map((e) => e.node.id));
      if (!page.calls.pageInfo.hasNextPage) return ids;
      after = page.calls.pageInfo.endCursor;
    }
    throw new Error('pagination did not end');
  };

  beforeAll(async () => {
    app = await startTestApp(db().url, { INBOX_PROCESSOR: 'false' });
    const calls: AircallCall[] = [];
    for (let i = 0; i < 40; i++) {
      // Three calls per start second (ties broken by id); one call without a start time.
      const b = aCall({ started_at: i === 39 ? null : BASE + Math.floor(i / 3) * 60 }).inbound();
      if (i % 2 === 0) b.tagged(vip);
      if (i % 3 === 0) b.ringingOn(sales);
      calls.push(b.build());
    }
    tagged = calls.filter((_, i) => i % 2 === 0);
    await storeCalls(app, ACCOUNT, calls);
    // Another account's calls with the same tag and team ids never show.
    await storeCalls(app, A, [aCall({ started_at: BASE }).inbound().tagged(vip).ringingOn(sales).build()]);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(['STARTED_AT_DESC', 'STARTED_AT_ASC'])(
    'walks a tag and a team exactly once, in the order of the unfiltered connection (%s)',
    async (orderBy) => {
      const all = await walk({}, orderBy, 100);
      const tagIds = new Set((await walk({ tagId: String(vip.id) }, orderBy, 100)).map(String));
      expect(tagIds.size).toBe(20);
      expect(await walk({ tagId: String(vip.id) }, orderBy, 3)).toEqual(all.filter((id) => tagIds.has(id)));
      const teamIds = new Set(await walk({ teamId: String(sales.id) }, orderBy, 100));
      expect(teamIds.size).toBe(14);
      expect(await walk({ teamId: String(sales.id) }, orderBy, 4)).toEqual(
        all.filter((id) => teamIds.has(id)),
      );
    },
  );

  it('follows a tagged call whose start time changes', async () => {
    const moved = { ...tagged[0], started_at: BASE + 100_000 };
    await storeCalls(app, ACCOUNT, [moved], new Date(Date.now() + 60_000));
    const newest = await walk({ tagId: String(vip.id) }, 'STARTED_AT_DESC', 100);
    expect(newest[0]).toBe(String(moved.id));
    expect(newest).toHaveLength(20);
    const all = await walk({}, 'STARTED_AT_DESC', 100);
    expect(await walk({ tagId: String(vip.id) }, 'STARTED_AT_DESC', 6)).toEqual(
      all.filter((id) => newest.includes(id)),
    );
  });
});
