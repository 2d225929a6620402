import { Injectable } from '@nestjs/common';
import { callFilterSql } from '../calls/call-filter-sql';
import { CallFilter } from '../calls/call-filter';
import { Database } from '../database/database';
import { StatsGroupBy } from './models/stats-group-by';
import { StatsSql } from './stats-sql';
import { OffsetSegment } from './time-zone-offsets';

/** How calls are grouped: the expressions of the group's account and key, and the join it needs. */
export interface StatsGrouping {
  groupBy: StatsGroupBy;
  /** DAY/WEEK only: the time zone's offset segments over the range. */
  segments?: OffsetSegment[];
  /** Count inbound calls by outcome too. */
  withOutcomes?: boolean;
}

export interface RawBucket {
  accountId: string | null;
  /** DAY/WEEK: days since 1970-01-01 (local). Others: the entity id; null for calls without one. */
  key: string | null;
  total: number;
  inbound: number;
  outbound: number;
  answered: number;
  missed: number;
  avgInCallDuration: number | null;
  avgWaitingDuration: number | null;
  p90InCallDuration: number | null;
  /** Inbound calls by outcome; null unless asked for. */
  outcomes: Record<(typeof OUTCOMES)[number], number> | null;
}

interface GroupingSql {
  account: string | null;
  key: string;
  join: string;
}

const UTC: OffsetSegment[] = [{ until: null, offsetSeconds: 0 }];

/** From this many time buckets on, rangeBuckets reads two halves at once (MySQL). */
const PARALLEL_MIN_RANGES = 8;

/** The figures of a group of calls `c` (averages ignore NULLs: unanswered calls have no durations). */
const AGGREGATES = `COUNT(*) AS total,
  SUM(CASE WHEN c.direction = 'inbound' THEN 1 ELSE 0 END) AS inbound,
  SUM(CASE WHEN c.direction = 'outbound' THEN 1 ELSE 0 END) AS outbound,
  SUM(CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered,
  SUM(CASE WHEN c.missed = 1 THEN 1 ELSE 0 END) AS missed,
  AVG(c.in_call_duration) AS avg_in_call,
  AVG(c.waiting_duration) AS avg_waiting,
  COUNT(c.in_call_duration) AS timed`;

/** Inbound calls by outcome (call-record.ts callOutcome), only computed when the query asks for them. */
export const OUTCOMES = ['answered', 'missed', 'abandoned', 'out_of_hours', 'voicemail'] as const;
const OUTCOME_AGGREGATES = OUTCOMES.map(
  (outcome) => `SUM(CASE WHEN c.outcome = '${outcome}' THEN 1 ELSE 0 END) AS outcome_${outcome}`,
).join(',\n  ');

const aggregates = (withOutcomes: boolean) =>
  withOutcomes ? `${AGGREGATES},\n  ${OUTCOME_AGGREGATES}` : AGGREGATES;

function toRawBucket(
  row: Record<string, unknown>,
  accountId: string | null,
  key: string | null,
  p90: number | null,
): RawBucket {
  return {
    accountId,
    key,
    total: num(row.total),
    inbound: num(row.inbound),
    outbound: num(row.outbound),
    answered: num(row.answered),
    missed: num(row.missed),
    avgInCallDuration: numOrNull(row.avg_in_call),
    avgWaitingDuration: numOrNull(row.avg_waiting),
    p90InCallDuration: p90,
    outcomes:
      row.outcome_answered === undefined
        ? null
        : {
            answered: num(row.outcome_answered),
            missed: num(row.outcome_missed),
            abandoned: num(row.outcome_abandoned),
            out_of_hours: num(row.outcome_out_of_hours),
            voicemail: num(row.outcome_voicemail),
          },
  };
}

/** A time bucket: calls started in [from, to). */
export interface TimeRange {
  from: Date;
  to: Date;
}
const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/**
 * Call statistics computed by the database over the same filter as the calls connection, never by
 * loading calls. Time buckets: one aggregate per range (rangeBuckets). Other groupings (and time ranges
 * too long to enumerate): GROUP BY, plus one windowed statement for the 90th percentile (ROW_NUMBER()
 * OVER, MariaDB 10.2+ / SQLite 3.25+).
 */
@Injectable()
export class CallStatsRepository {
  private readonly sql: StatsSql;

  constructor(private readonly db: Database) {
    this.sql = new StatsSql(db);
  }

  /** Earliest and latest start among the filtered calls (for DAY/WEEK without an explicit range). */
  async startRange(filter: CallFilter): Promise<{ first: Date; last: Date } | null> {
    const { where, params } = callFilterSql(this.db, filter);
    const [row] = await this.db.read(
      `SELECT MIN(c.started_at) AS first, MAX(c.started_at) AS last FROM calls c WHERE ${where.join(' AND ')}`,
      params,
    );
    const first = this.db.parseDate(row?.first);
    const last = this.db.parseDate(row?.last);
    return first && last ? { first, last } : null;
  }

  async buckets(filter: CallFilter, grouping: StatsGrouping): Promise<RawBucket[]> {
    const g = this.groupingSql(grouping);
    const { where, params } = callFilterSql(this.db, await this.withExplicitAccounts(filter));
    const groupColumns = g.account ? `${g.account}, ${g.key}` : g.key;
    const groups = await this.db.read(
      `SELECT ${g.account ?? 'NULL'} AS bucket_account, ${g.key} AS bucket_key, ${aggregates(grouping.withOutcomes === true)}
         FROM ${this.sql.callsTable()} ${g.join}
        WHERE ${where.join(' AND ')}
        GROUP BY ${groupColumns}`,
      params,
    );
    const p90 = await this.db.read(
      `SELECT r.bucket_account, r.bucket_key, r.v FROM (
         SELECT ${g.account ?? 'NULL'} AS bucket_account, ${g.key} AS bucket_key, c.in_call_duration AS v,
                ROW_NUMBER() OVER (PARTITION BY ${groupColumns} ORDER BY c.in_call_duration) AS rn,
                COUNT(*) OVER (PARTITION BY ${groupColumns}) AS n
           FROM ${this.sql.callsTable()} ${g.join}
          WHERE ${where.join(' AND ')} AND c.in_call_duration IS NOT NULL
       ) r
       WHERE r.rn * 10 >= r.n * 9 AND (r.rn - 1) * 10 < r.n * 9`,
      params,
    );
    const id = (account: unknown, key: unknown) => `${account ?? ''}|${key ?? ''}`;
    const percentiles = new Map(p90.map((row) => [id(row.bucket_account, row.bucket_key), numOrNull(row.v)]));
    return groups.map((row) =>
      toRawBucket(
        row,
        row.bucket_account === null || row.bucket_account === undefined ? null : String(row.bucket_account),
        row.bucket_key === null || row.bucket_key === undefined ? null : String(row.bucket_key),
        percentiles.get(id(row.bucket_account, row.bucket_key)) ?? null,
      ),
    );
  }

  /**
   * Figures of consecutive time ranges (DAY/WEEK buckets whose boundaries the service computed in the
   * requested time zone). Each range is its own branch of one UNION ALL: a plain aggregate over one
   * (account_id, started_at) range of the covering stats index — no per-row date arithmetic, no
   * temporary table — several times faster than GROUP BY on a computed day (docs/benchmarks.md). The 90th
   * percentile is then one ordered LIMIT 1 OFFSET per range (its rank known from the first statement).
   * Ranges without calls are left out. Keep `ranges` under SQLite's 500 compound SELECTs.
   *
   * On MySQL the ranges are split in two halves read on two connections at once: a server runs one
   * statement on one core, and 90 days of a busy account are a quarter of a million index entries.
   */
  async rangeBuckets(
    filter: CallFilter,
    ranges: readonly TimeRange[],
    withOutcomes = false,
  ): Promise<Array<RawBucket & { range: number }>> {
    if (ranges.length === 0) return [];
    const { where, params } = callFilterSql(this.db, await this.withExplicitAccounts(filter));
    const parts = this.db.isMysql && ranges.length >= PARALLEL_MIN_RANGES ? 2 : 1;
    const size = Math.ceil(ranges.length / parts);
    const indexes = ranges.map((_, i) => i);
    const halves = await Promise.all(
      Array.from({ length: parts }, (_, p) =>
        this.rangeFigures(where, params, ranges, indexes.slice(p * size, (p + 1) * size), withOutcomes),
      ),
    );
    return halves.flat();
  }

  /** rangeBuckets for the ranges at `indexes`: one aggregate statement, then one for the percentiles. */
  private async rangeFigures(
    where: string[],
    params: unknown[],
    ranges: readonly TimeRange[],
    indexes: readonly number[],
    withOutcomes: boolean,
  ): Promise<Array<RawBucket & { range: number }>> {
    const inRange = `${where.join(' AND ')} AND c.started_at >= ? AND c.started_at < ?`;
    const rangeParams = (index: number) => [
      ...params,
      this.db.date(ranges[index].from),
      this.db.date(ranges[index].to),
    ];
    const table = this.sql.callsTable();
    const rows = await this.db.read(
      indexes
        .map(
          (index) =>
            `SELECT ${index} AS bucket_index, ${aggregates(withOutcomes)} FROM ${table} WHERE ${inRange}`,
        )
        .join(' UNION ALL '),
      indexes.flatMap(rangeParams),
    );
    const filled = rows
      .filter((row) => num(row.total) > 0)
      .map((row) => ({ index: num(row.bucket_index), row }));
    const timed = filled.filter(({ row }) => num(row.timed) > 0);
    const percentiles = new Map<number, number | null>();
    if (timed.length > 0) {
      // Nearest rank: the ceil(0.9 × n)-th smallest, i.e. OFFSET ceil(0.9 × n) − 1.
      const branch = ({ index, row }: { index: number; row: Record<string, unknown> }) =>
        `SELECT * FROM (SELECT ${index} AS bucket_index, c.in_call_duration AS v FROM ${table}
           WHERE ${inRange} AND c.in_call_duration IS NOT NULL
           ORDER BY c.in_call_duration LIMIT 1 OFFSET ${Math.ceil((num(row.timed) * 9) / 10) - 1}) p${index}`;
      const p90 = await this.db.read(
        timed.map(branch).join(' UNION ALL '),
        timed.flatMap(({ index }) => rangeParams(index)),
      );
      for (const row of p90) percentiles.set(num(row.bucket_index), numOrNull(row.v));
    }
    return filled.map(({ index, row }) => ({
      ...toRawBucket(row, null, null, percentiles.get(index) ?? null),
      range: index,
    }));
  }

  /**
   * A filter over every account becomes one over the accounts that have calls (a loose scan of the
   * primary key's first column), so the stats index is entered by (account_id, started_at) ranges
   * instead of being read whole.
   */
  private async withExplicitAccounts(filter: CallFilter): Promise<CallFilter> {
    if (filter.accountIds !== null) return filter;
    const rows = await this.db.read('SELECT DISTINCT account_id FROM calls');
    return { ...filter, accountIds: rows.map((row) => String(row.account_id)) };
  }

  private groupingSql({ groupBy, segments }: StatsGrouping): GroupingSql {
    switch (groupBy) {
      case StatsGroupBy.DAY:
        return {
          account: null,
          key: this.sql.localEpochDay('c.started_at', segments ?? UTC),
          join: '',
        };
      case StatsGroupBy.WEEK:
        return {
          account: null,
          key: this.sql.localEpochWeek('c.started_at', segments ?? UTC),
          join: '',
        };
      case StatsGroupBy.USER:
        return { account: 'c.account_id', key: 'c.user_id', join: '' };
      case StatsGroupBy.NUMBER:
        return { account: 'c.account_id', key: 'c.number_id', join: '' };
      case StatsGroupBy.TEAM:
        return {
          account: 'c.account_id',
          key: 'g.team_id',
          join: 'LEFT JOIN call_teams g ON g.account_id = c.account_id AND g.call_id = c.id',
        };
      case StatsGroupBy.TAG:
        return {
          account: 'c.account_id',
          key: 'g.tag_id',
          join: 'LEFT JOIN call_tags g ON g.account_id = c.account_id AND g.call_id = c.id',
        };
    }
  }
}
