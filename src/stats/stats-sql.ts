import { Database } from '../database/database';
import { OffsetSegment } from './time-zone-offsets';

/** TO_DAYS('1970-01-01') on MySQL/MariaDB; julianday('1970-01-01') on SQLite. */
const MYSQL_EPOCH_DAYS = 719_528;
const SQLITE_EPOCH_JULIAN = 2_440_587.5;

/**
 * The dialect-specific SQL of the stats, in one place. Time buckets are integers — local days since
 * 1970-01-01 — because integer day numbers are several times cheaper per row than formatting dates;
 * the service turns them back into dates. Boundaries and
 * offsets are inlined as literals: computed here from Dates and integers, never taken from the client.
 */
export class StatsSql {
  constructor(private readonly db: Database) {}

  /** Seconds to add to `column` to get local time: a constant, or a CASE over the DST segments. */
  offsetExpression(column: string, segments: readonly OffsetSegment[]): string {
    const literal = (n: number) => String(Math.trunc(n));
    if (segments.length === 1) return literal(segments[0].offsetSeconds);
    const branches = segments
      .filter((s) => s.until !== null)
      .map((s) => `WHEN ${column} < '${this.db.date(s.until)}' THEN ${literal(s.offsetSeconds)}`)
      .join(' ');
    return `(CASE ${branches} ELSE ${literal(segments[segments.length - 1].offsetSeconds)} END)`;
  }

  /** The local day of `column`, as days since 1970-01-01. */
  localEpochDay(column: string, segments: readonly OffsetSegment[]): string {
    const offset = this.offsetExpression(column, segments);
    return this.db.isMysql
      ? `(TO_DAYS(${column} + INTERVAL ${offset} SECOND) - ${MYSQL_EPOCH_DAYS})`
      : `CAST(julianday(${column}, ${offset} || ' seconds') - ${SQLITE_EPOCH_JULIAN} AS INTEGER)`;
  }

  /** The Monday starting `column`'s local ISO week, as days since 1970-01-01 (a Thursday, hence the 3). */
  localEpochWeek(column: string, segments: readonly OffsetSegment[]): string {
    const day = this.localEpochDay(column, segments);
    return `(${day} - ((${day} + 3) % 7))`;
  }

  /**
   * `FROM calls c` for the stats. MariaDB caps its row estimate of a long started_at range at half the
   * table and then prefers the primary key (reading every call of the account); the covering stats index
   * answers the aggregates from the index alone, so it is named explicitly there.
   */
  callsTable(): string {
    return this.db.isMysql ? 'calls c FORCE INDEX (IDX_calls_stats)' : 'calls c';
  }
}

/** YYYY-MM-DD of a day number since 1970-01-01. */
export function epochDayToDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
