/**
 * UTC offsets of an IANA time zone over a time range, computed with Intl (the database needs no
 * time-zone tables: MariaDB usually has none, SQLite never). A range is cut into segments of constant
 * offset at each DST transition; SQL then shifts started_at by its segment's offset and takes the date.
 */
export interface OffsetSegment {
  /** The segment ends here (exclusive); null for the last one. */
  until: Date | null;
  /** Local time − UTC, in seconds. */
  offsetSeconds: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a time zone Intl knows (IANA names such as Europe/Paris, or UTC). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local time − UTC at `at`, in seconds. */
export function offsetAt(timeZone: string, at: Date): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 1000);
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The constant-offset segments covering [from, to). Transitions are found to the minute. */
export function offsetSegments(timeZone: string, from: Date, to: Date): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let current = offsetAt(timeZone, from);
  let t = from.getTime();
  const end = to.getTime();
  while (t < end) {
    const next = Math.min(t + 6 * HOUR, end);
    const offset = offsetAt(timeZone, new Date(next));
    if (offset !== current) {
      // Binary search, on whole minutes (transitions happen on minute boundaries), the first instant
      // with the new offset inside (t, next].
      let lo = Math.floor(t / MINUTE) * MINUTE;
      let hi = Math.ceil(next / MINUTE) * MINUTE;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.max(1, Math.floor((hi - lo) / MINUTE / 2)) * MINUTE;
        if (offsetAt(timeZone, new Date(mid)) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ until: new Date(hi), offsetSeconds: current });
      current = offset;
    }
    t = next;
  }
  segments.push({ until: null, offsetSeconds: current });
  return segments;
}

/** The UTC instant of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function localMidnight(timeZone: string, date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - offsetAt(timeZone, new Date(wall)) * 1000;
  // A second pass settles days whose offset differs from the previous evening's (DST days).
  guess = wall - offsetAt(timeZone, new Date(guess)) * 1000;
  return new Date(guess);
}

/** `date` (YYYY-MM-DD) plus `days`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
