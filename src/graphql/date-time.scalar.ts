import { GraphQLScalarType, Kind, ValueNode } from 'graphql';

/**
 * An instant in ISO 8601 with its offset: `2024-06-01T00:00:00Z`, `2024-06-01T02:00:00.000+02:00`.
 * Seconds and fractions are optional; the offset is not, so nobody's local time is guessed.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** What both engines can store and the service can mean: from the epoch to the end of year 9999. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const INVALID = 'must be an ISO-8601 date-time with its offset, such as 2024-06-01T00:00:00Z';

/**
 * A value that names no instant. A plain Error, not a GraphQLError: graphql-js then wraps it with the
 * location of the literal or the path of the variable, which the error names as its field
 * (inputErrorFieldPlugin, format-error.ts).
 */
export class InvalidInstantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInstantError';
  }
}

function invalid(detail = INVALID): InvalidInstantError {
  return new InvalidInstantError(detail);
}

/** The instant `value` names, or an InvalidInstantError saying why it names none. */
export function parseInstant(value: unknown): Date {
  if (typeof value !== 'string') throw invalid();
  const match = ISO_INSTANT.exec(value);
  if (!match) throw invalid();
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.map(Number);
  // The calendar as written, not as Date would roll it over (2026-02-30 is not March 2nd).
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    (match[6] !== undefined && second > 59) ||
    (match[8] !== undefined && (offsetHours > 23 || offsetMinutes > 59))
  )
    throw invalid(`${INVALID} (no such date or time: ${value})`);
  const instant = new Date(value);
  const ms = instant.getTime();
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > LATEST)
    throw invalid('must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z');
  return instant;
}

function parseLiteral(ast: ValueNode): Date {
  if (ast.kind !== Kind.STRING) throw invalid();
  return parseInstant(ast.value);
}

/**
 * The `DateTime` scalar of the schema: instants as ISO-8601 strings, refused with BAD_USER_INPUT when
 * they are not real ones (`"yesterday"`, `"2026-13-45T…"`, `""`, a bare number), instead of becoming
 * an invalid date that silently matches nothing.
 */
export const StrictDateTime = new GraphQLScalarType({
  name: 'DateTime',
  description:
    'An instant as an ISO-8601 string with its offset, such as 2024-06-01T00:00:00Z or 2024-06-01T02:00:00+02:00; answered in UTC',
  parseValue: parseInstant,
  parseLiteral,
  serialize(value) {
    return value instanceof Date && Number.isFinite(value.getTime()) ? value.toISOString() : null;
  },
});
