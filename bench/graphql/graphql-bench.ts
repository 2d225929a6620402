import { createPool } from 'mysql2/promise';
import { performance } from 'node:perf_hooks';
import { SERVICE_NODE_FLAGS } from '../../src/node-flags';
import { ChildServer, freePort } from '../support/child-server';
import { MysqlServer } from '../support/mysql-server';
import { distribution, Distribution, ratio } from '../support/stats';
import { BENCH_ACCOUNT_ID, CallDataset, Dataset, datasetIds } from './call-dataset';
import {
  CALLS_PAGE_QUERY,
  LastNode,
  PageVariant,
  rawCallsPage,
  STATS_BY_DAY_QUERY,
} from './call-page-queries';

export interface GraphqlOptions {
  calls: number;
  /** Page fetches per side (GraphQL and raw SQL); about a third of them are second pages (`after`). */
  iterations: number;
  statsIterations: number;
  pageSize: number;
}

export interface GraphqlReport {
  /** p95 of all GraphQL pages over p95 of all raw SQL pages (the mix of filters below). */
  p95RatioToRawSql: number | null;
  /**
   * The same ratio for the filter where GraphQL adds the most. The mix's p95 can be set by one filter
   * whose SQL itself is slow (then both sides are slow and the ratio says little about GraphQL).
   */
  p95RatioToRawSqlWorstFilter: number | null;
  callsPageMs: Distribution;
  rawSqlPageMs: Distribution;
  /** Pages whose call ids differed between GraphQL and the raw SQL (must be 0: same rows compared). */
  mismatchedPages: number;
  /** p50/p95 per filter, GraphQL and raw SQL: which kind of page is slow on both sides. */
  byVariant: Record<
    string,
    { graphqlP50: number; graphqlP95: number; rawP50: number; rawP95: number; p95Ratio: number | null }
  >;
  statsByDay90dMs: number;
  statsByDay90d: Distribution & { buckets: number };
  dataset: Omit<Dataset, 'shape'> & { shape: Dataset['shape'] };
  settings: GraphqlOptions;
}

const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef0123';
const DAY_MS = 86_400_000;

interface CallsPage {
  calls: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ node: { id: string; startedAt: string } }>;
  };
}

/**
 * GraphQL read performance on one account with a million calls: `calls(first: 50)` with every nested
 * field through HTTP POST /graphql of the real service, against the raw SQL that fetches the same rows,
 * interleaved request by request so both see the same machine; and `callStats(groupBy: DAY)` over 90 days.
 */
export class GraphqlBench {
  constructor(
    private readonly server: MysqlServer,
    private readonly options: GraphqlOptions,
    private readonly log: (line: string) => void,
  ) {}

  async run(): Promise<GraphqlReport> {
    const dataset = await new CallDataset(this.server, this.log).ensure(this.options.calls);
    const port = await freePort();
    const child = await ChildServer.start(
      'src/main.js',
      {
        NODE_ENV: 'production',
        DATABASE_URL: this.server.urlOf(dataset.databaseName),
        ENCRYPTION_KEY: Buffer.alloc(32, 11).toString('base64'),
        ADMIN_API_KEY: BENCH_ADMIN_KEY,
        LOG_LEVEL: 'warn',
        SYNC_CRON: 'off',
        WEBHOOK_CHECK_CRON: 'off',
        AIRCALL_API_URL: 'http://127.0.0.1:9',
        AIRCALL_DASHBOARD_URL: 'http://127.0.0.1:9',
      },
      port,
      '/graphql',
      SERVICE_NODE_FLAGS,
    );
    const pool = createPool({
      uri: this.server.urlOf(dataset.databaseName),
      connectionLimit: 10,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    try {
      const variants = this.variants(dataset);
      // Warm-up (JIT, connection pools, buffer pool) on both sides; not measured.
      for (const variant of variants) {
        await this.graphqlPage(child.baseUrl, variant, null);
        await rawCallsPage(pool, BENCH_ACCOUNT_ID, variant, this.options.pageSize, null);
      }
      const gql: number[] = [];
      const raw: number[] = [];
      const perVariant = new Map<string, { gql: number[]; raw: number[] }>(
        variants.map((v) => [v.name, { gql: [], raw: [] }]),
      );
      let mismatchedPages = 0;
      for (let i = 0; i < this.options.iterations;) {
        const variant = variants[i % variants.length];
        let after: { cursor: string; last: LastNode } | null = null;
        // A first page, then (every other time) the page after it, following the returned cursor.
        for (let page = 0; page < (i % 2 === 0 ? 2 : 1) && i < this.options.iterations; page++, i++) {
          const g = await this.timed(() => this.graphqlPage(child.baseUrl, variant, after?.cursor ?? null));
          const r = await this.timed(() =>
            rawCallsPage(pool, BENCH_ACCOUNT_ID, variant, this.options.pageSize, after?.last ?? null),
          );
          gql.push(g.ms);
          raw.push(r.ms);
          perVariant.get(variant.name)!.gql.push(g.ms);
          perVariant.get(variant.name)!.raw.push(r.ms);
          const gqlIds = g.value.calls.edges.map((e) => e.node.id).join(',');
          const rawIds = r.value.map((row) => String(row.id)).join(',');
          if (gqlIds !== rawIds) mismatchedPages++;
          const edges = g.value.calls.edges;
          const cursor = g.value.calls.pageInfo.endCursor;
          if (!cursor || edges.length === 0) break;
          after = {
            cursor,
            last: { startedAt: edges[edges.length - 1].node.startedAt, id: edges[edges.length - 1].node.id },
          };
        }
      }
      const callsPageMs = distribution(gql);
      const rawSqlPageMs = distribution(raw);
      this.log(
        `graphql: calls(first: ${this.options.pageSize}) p50 ${callsPageMs.p50} ms p95 ${callsPageMs.p95} ms; raw SQL p50 ${rawSqlPageMs.p50} ms p95 ${rawSqlPageMs.p95} ms; mismatched pages ${mismatchedPages}`,
      );

      const stats = await this.statsByDay(child.baseUrl, dataset);
      this.log(
        `graphql: callStats(groupBy: DAY) over 90 days: p50 ${stats.p50} ms p95 ${stats.p95} ms (${stats.buckets} buckets)`,
      );
      const filterRatios = [...perVariant.values()].map(
        (t) => ratio(distribution(t.gql).p95, distribution(t.raw).p95) ?? 0,
      );
      return {
        p95RatioToRawSql: ratio(callsPageMs.p95, rawSqlPageMs.p95),
        p95RatioToRawSqlWorstFilter: filterRatios.length ? Math.max(...filterRatios) : null,
        callsPageMs,
        rawSqlPageMs,
        mismatchedPages,
        byVariant: Object.fromEntries(
          [...perVariant].map(([name, t]) => {
            const [g, r] = [distribution(t.gql), distribution(t.raw)];
            return [
              name,
              {
                graphqlP50: g.p50,
                graphqlP95: g.p95,
                rawP50: r.p50,
                rawP95: r.p95,
                p95Ratio: ratio(g.p95, r.p95),
              },
            ];
          }),
        ),
        statsByDay90dMs: stats.p95,
        statsByDay90d: stats,
        dataset,
        settings: this.options,
      };
    } finally {
      await pool.end();
      await child.stop();
    }
  }

  /** Filters a call-list screen uses: none, direction, missed, an agent, a line, a tag, a week, everything before a date. */
  private variants(dataset: Dataset): PageVariant[] {
    const end = dataset.endsAt.getTime();
    const iso = (ms: number) => new Date(ms).toISOString();
    const account = { accountId: BENCH_ACCOUNT_ID };
    return [
      { name: 'all', filter: { ...account } },
      { name: 'inbound', filter: { ...account, direction: 'INBOUND' } },
      { name: 'missed', filter: { ...account, missed: true } },
      { name: 'agent', filter: { ...account, userId: String(datasetIds.user(7)) } },
      { name: 'line', filter: { ...account, numberId: String(datasetIds.number(3)) } },
      { name: 'tag', filter: { ...account, tagId: String(datasetIds.tag(5)) } },
      {
        name: 'week',
        filter: { ...account, startedAfter: iso(end - 37 * DAY_MS), startedBefore: iso(end - 30 * DAY_MS) },
      },
      { name: 'before', filter: { ...account, startedBefore: iso(end - 200 * DAY_MS) } },
      {
        name: 'agent-quarter',
        filter: { ...account, userId: String(datasetIds.user(30)), startedAfter: iso(end - 90 * DAY_MS) },
      },
    ];
  }

  private async statsByDay(baseUrl: string, dataset: Dataset): Promise<Distribution & { buckets: number }> {
    const end = dataset.endsAt.getTime();
    const times: number[] = [];
    let buckets = 0;
    // Warm-up, not measured: the 90-day windows ending 0 and 13 days before the end — together every
    // day the measured runs read. The ingest and backfill sections just before push the stats index out
    // of MariaDB's buffer pool (128 MB by default here); what is measured is a server that has read it.
    const warmUp = [0, 13, 0];
    for (let i = -warmUp.length; i < this.options.statsIterations; i++) {
      // Windows shifted by a day each time, so no run answers from a cache of the previous one.
      const to = end - (i < 0 ? warmUp[warmUp.length + i] : i % 14) * DAY_MS;
      const filter = {
        accountId: BENCH_ACCOUNT_ID,
        startedAfter: new Date(to - 90 * DAY_MS).toISOString(),
        startedBefore: new Date(to).toISOString(),
      };
      const { ms, value } = await this.timed(() =>
        this.post<{ callStats: unknown[] }>(baseUrl, STATS_BY_DAY_QUERY, { filter }),
      );
      buckets = value.callStats.length;
      if (i >= 0) times.push(ms);
    }
    return { ...distribution(times), buckets };
  }

  private graphqlPage(baseUrl: string, variant: PageVariant, after: string | null): Promise<CallsPage> {
    return this.post<CallsPage>(baseUrl, CALLS_PAGE_QUERY, {
      filter: variant.filter,
      first: this.options.pageSize,
      after,
    });
  }

  private async post<T>(baseUrl: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (res.status !== 200 || body.errors || !body.data)
      throw new Error(
        `GraphQL request failed (${res.status}): ${JSON.stringify(body.errors ?? body).slice(0, 500)}`,
      );
    return body.data;
  }

  private async timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
    const started = performance.now();
    const value = await work();
    return { ms: performance.now() - started, value };
  }
}
