import { Injectable } from '@nestjs/common';
import { CallFilter } from '../calls/call-filter';
import { DirectoryLoaders } from '../directory/directory-loaders';
import { invalidInput } from '../errors/domain-errors';
import { RequestLoaders } from '../graphql/request-loaders';
import { tenantKey } from '../graphql/tenant-keys';
import { CallStatsRepository, RawBucket } from './call-stats.repository';
import { CallOutcomeCountsModel, CallStatsBucketModel } from './models/call-stats-bucket.model';
import { StatsGroupBy } from './models/stats-group-by';
import { epochDayToDate } from './stats-sql';
import { addDays, isValidTimeZone, localMidnight, offsetAt, offsetSegments } from './time-zone-offsets';

const NONE = 'none';

export interface StatsRequest {
  filter: CallFilter;
  groupBy: StatsGroupBy;
  /** IANA time zone of DAY/WEEK buckets. */
  timeZone: string;
  /** Whether the query selects the outcome counts (they cost the database five more sums). */
  withOutcomes: boolean;
}

/** callStats: validates the time zone, plans DAY/WEEK buckets in that zone, labels entity buckets. */
@Injectable()
export class CallStatsService {
  constructor(
    private readonly stats: CallStatsRepository,
    private readonly directory: DirectoryLoaders,
  ) {}

  async buckets(request: StatsRequest, loaders: RequestLoaders): Promise<CallStatsBucketModel[]> {
    const { filter, groupBy, timeZone, withOutcomes } = request;
    if (!isValidTimeZone(timeZone))
      throw invalidInput('timeZone', `"${timeZone}" is not an IANA time zone (e.g. Europe/Paris, UTC)`);
    if (groupBy === StatsGroupBy.DAY || groupBy === StatsGroupBy.WEEK) {
      const range =
        filter.startedAfter && filter.startedBefore
          ? { first: filter.startedAfter, last: filter.startedBefore }
          : await this.stats.startRange(filter);
      if (!range) return [];
      const { from, to } = statsRange(filter, range);
      if (from.getTime() >= to.getTime()) return [];
      const days = groupBy === StatsGroupBy.DAY ? 1 : 7;
      const label = (date: string) => (groupBy === StatsGroupBy.DAY ? date : `Week of ${date}`);
      const dates = bucketDates(timeZone, from, to, days);
      if (dates !== null) {
        // A range short enough to enumerate: one aggregate per local day/week (the fast path).
        const ranges = dates.map((date) => ({
          date,
          from: localMidnight(timeZone, date),
          to: localMidnight(timeZone, addDays(date, days)),
        }));
        const rows = await this.stats.rangeBuckets(filter, ranges, withOutcomes);
        return rows.map((row) => {
          const { date, from: start, to: end } = ranges[row.range];
          return toModel(row, { key: date, label: label(date), accountId: null, start, end });
        });
      }
      const rows = await this.stats.buckets(filter, {
        groupBy,
        segments: offsetSegments(timeZone, from, to),
        withOutcomes,
      });
      return rows
        .filter((row) => row.key !== null)
        .map((row) => ({ row, date: epochDayToDate(Number(row.key)) }))
        .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
        .map(({ row, date }) =>
          toModel(row, {
            key: date,
            label: label(date),
            accountId: null,
            start: localMidnight(timeZone, date),
            end: localMidnight(timeZone, addDays(date, days)),
          }),
        );
    }
    const rows = await this.stats.buckets(filter, { groupBy, withOutcomes });
    const labels = await this.labels(groupBy, rows, loaders);
    return rows
      .sort((a, b) => b.total - a.total || String(a.key).localeCompare(String(b.key)))
      .map((row) =>
        toModel(row, {
          key: row.key ?? NONE,
          label:
            row.key === null || row.accountId === null
              ? null
              : (labels.get(tenantKey(row.accountId, row.key)) ?? null),
          accountId: row.accountId,
          start: null,
          end: null,
        }),
      );
  }

  private async labels(
    groupBy: StatsGroupBy,
    rows: RawBucket[],
    loaders: RequestLoaders,
  ): Promise<Map<string, string | null>> {
    const keys = rows
      .filter((r) => r.key !== null && r.accountId !== null)
      .map((r) => tenantKey(r.accountId!, r.key!));
    const loader =
      groupBy === StatsGroupBy.USER
        ? this.directory.users(loaders)
        : groupBy === StatsGroupBy.TEAM
          ? this.directory.teams(loaders)
          : groupBy === StatsGroupBy.NUMBER
            ? this.directory.numbers(loaders)
            : this.directory.tags(loaders);
    const found = await loader.loadMany(keys);
    const labels = new Map<string, string | null>();
    found.forEach((entity, i) => {
      if (entity instanceof Error) throw entity;
      labels.set(keys[i], entity?.name ?? null);
    });
    return labels;
  }
}

/**
 * The longest range DAY and WEEK buckets cover: ten years, the longest history the service can hold
 * (BACKFILL_DAYS ≤ 3650; Aircall itself serves six months). Planning buckets walks the range (time
 * zone offsets, one entry per day), so the bound keeps every callStats request to a few milliseconds
 * of that work, whatever dates a client or a stored call carries.
 */
export const MAX_STATS_RANGE_DAYS = 3660;
const DAY_MS = 86_400_000;

/**
 * [from, to) of DAY/WEEK buckets: the filter's bounds, else the stored calls' first and last start,
 * the open end kept within a day from now and MAX_STATS_RANGE_DAYS of the other end. Explicit bounds
 * further apart are the client's mistake, named in the error.
 */
export function statsRange(
  filter: Pick<CallFilter, 'startedAfter' | 'startedBefore'>,
  stored: { first: Date; last: Date },
  now = Date.now(),
): { from: Date; to: Date } {
  const max = MAX_STATS_RANGE_DAYS * DAY_MS;
  const to = filter.startedBefore ?? new Date(Math.min(stored.last.getTime() + 1000, now + DAY_MS));
  if (filter.startedAfter && filter.startedBefore && to.getTime() - filter.startedAfter.getTime() > max)
    throw invalidInput(
      'filter.startedAfter',
      `DAY and WEEK statistics cover at most ${MAX_STATS_RANGE_DAYS} days; narrow startedAfter and startedBefore`,
    );
  const from = filter.startedAfter ?? new Date(Math.max(stored.first.getTime(), to.getTime() - max));
  if (to.getTime() - from.getTime() > max)
    throw invalidInput(
      filter.startedAfter ? 'filter.startedBefore' : 'filter.startedAfter',
      `DAY and WEEK statistics cover at most ${MAX_STATS_RANGE_DAYS} days; give both startedAfter and startedBefore`,
    );
  return { from, to };
}

/** Above this many buckets the time grouping is done by GROUP BY instead (SQLite allows 500 compound SELECTs). */
export const MAX_ENUMERATED_BUCKETS = 400;

/**
 * The local dates (YYYY-MM-DD) starting each day (or ISO week, from Monday) that [from, to) touches in
 * `timeZone`; null when there are more than MAX_ENUMERATED_BUCKETS.
 */
export function bucketDates(timeZone: string, from: Date, to: Date, days: number): string[] | null {
  let date = localDate(timeZone, from);
  if (days === 7) date = mondayOf(date);
  const last = localDate(timeZone, new Date(to.getTime() - 1));
  const dates: string[] = [];
  while (date <= last) {
    if (dates.length >= MAX_ENUMERATED_BUCKETS) return null;
    dates.push(date);
    date = addDays(date, days);
  }
  return dates;
}

function localDate(timeZone: string, at: Date): string {
  return new Date(at.getTime() + offsetAt(timeZone, at) * 1000).toISOString().slice(0, 10);
}

function mondayOf(date: string): string {
  const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is the number of days since Monday.
  return epochDayToDate(day - ((day + 3) % 7));
}

function toModel(
  row: RawBucket,
  identity: Pick<CallStatsBucketModel, 'key' | 'label' | 'accountId' | 'start' | 'end'>,
): CallStatsBucketModel {
  return Object.assign(new CallStatsBucketModel(), {
    ...identity,
    total: row.total,
    inbound: row.inbound,
    outbound: row.outbound,
    answered: row.answered,
    missed: row.missed,
    missedRate: row.inbound > 0 ? row.missed / row.inbound : 0,
    avgInCallDuration: row.avgInCallDuration,
    p90InCallDuration: row.p90InCallDuration,
    avgWaitingDuration: row.avgWaitingDuration,
    outcomes: Object.assign(new CallOutcomeCountsModel(), {
      answered: row.outcomes?.answered ?? 0,
      missed: row.outcomes?.missed ?? 0,
      abandoned: row.outcomes?.abandoned ?? 0,
      outOfHours: row.outcomes?.out_of_hours ?? 0,
      voicemail: row.outcomes?.voicemail ?? 0,
    }),
  });
}
