import { invalidInput } from '../errors/domain-errors';

/** The position of a call in the (started_at, account_id, id) order the connection pages through. */
export interface CallCursor {
  /** started_at in epoch milliseconds; null for a call without a start time (sorted first ascending). */
  startedAt: number | null;
  accountId: string;
  id: string;
}

/** Opaque to clients: base64url of a small JSON tuple (keyset pagination, no OFFSET). */
export function encodeCallCursor(cursor: CallCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.accountId, cursor.id]), 'utf8').toString(
    'base64url',
  );
}

/** Parses a cursor from `after`; a tampered or foreign cursor is a BAD_USER_INPUT naming `after`. */
export function decodeCallCursor(value: string, field = 'after'): CallCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalidInput(field, 'is not a cursor returned by this API');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    !(parsed[0] === null || (typeof parsed[0] === 'number' && Number.isFinite(parsed[0]))) ||
    typeof parsed[1] !== 'string' ||
    !/^\d{1,19}$/.test(parsed[1]) ||
    typeof parsed[2] !== 'string' ||
    !/^\d{1,19}$/.test(parsed[2])
  ) {
    throw invalidInput(field, 'is not a cursor returned by this API');
  }
  return { startedAt: parsed[0] as number | null, accountId: parsed[1], id: parsed[2] };
}
