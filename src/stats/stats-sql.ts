import { Database } from '../database/database';
import { OffsetSegment } from './time-zone-offsets';

/**
 * The dialect-specific date arithmetic of the stats, in one place. Boundaries and offsets are inlined
 * as literals: they are computed here from Dates and integers, never taken from the client.
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

  /** The local date (YYYY-MM-DD) of `column`. */
  localDay(column: string, segments: readonly OffsetSegment[]): string {
    const offset = this.offsetExpression(column, segments);
    return this.db.isMysql
      ? `DATE_FORMAT(${column} + INTERVAL ${offset} SECOND, '%Y-%m-%d')`
      : `date(${column}, ${offset} || ' seconds')`;
  }

  /** The local date (YYYY-MM-DD) of the Monday starting `column`'s ISO week. */
  localWeek(column: string, segments: readonly OffsetSegment[]): string {
    const offset = this.offsetExpression(column, segments);
    if (this.db.isMysql) {
      const local = `(${column} + INTERVAL ${offset} SECOND)`;
      return `DATE_FORMAT(DATE_SUB(DATE(${local}), INTERVAL WEEKDAY(${local}) DAY), '%Y-%m-%d')`;
    }
    // 'weekday 0' moves forward to the next Sunday (or stays on one); six days back is that week's Monday.
    return `date(${column}, ${offset} || ' seconds', 'weekday 0', '-6 days')`;
  }
}
