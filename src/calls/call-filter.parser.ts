import { accountScope } from '../auth/account-access';
import { AuthenticatedApiKey } from '../auth/authenticated-api-key';
import { invalidInput } from '../errors/domain-errors';
import { CallFilter } from './call-filter';
import { normalizePhoneDigits } from './call-record';
import { CallFilterInput } from './dto/call-filter.input';

const AIRCALL_ID = /^\d{1,19}$/;
const STATUSES = new Set(['initial', 'answered', 'done']);

function aircallId(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (!AIRCALL_ID.test(value)) throw invalidInput(field, 'must be an Aircall id (digits)');
  return value;
}

/**
 * Checks a CallFilter input (errors name the field, e.g. `filter.phone`) and scopes it to the accounts
 * the API key may read — the only way a filter reaches the SQL.
 */
export function parseCallFilter(
  key: AuthenticatedApiKey,
  input: CallFilterInput | null | undefined,
  argument = 'filter',
): CallFilter {
  const f = input ?? {};
  const field = (name: string) => `${argument}.${name}`;
  const accountId = aircallId(f.accountId, field('accountId'));
  let digits: string | null = null;
  if (f.phone !== undefined && f.phone !== null) {
    digits = normalizePhoneDigits(f.phone);
    if (!digits) throw invalidInput(field('phone'), 'must contain digits');
  }
  let status: string | null = null;
  if (f.status !== undefined && f.status !== null) {
    status = f.status.trim().toLowerCase();
    if (!STATUSES.has(status)) throw invalidInput(field('status'), 'must be initial, answered or done');
  }
  return {
    accountIds: accountScope(key, accountId),
    startedAfter: f.startedAfter ?? null,
    startedBefore: f.startedBefore ?? null,
    direction: f.direction ?? null,
    status,
    missed: f.missed ?? null,
    outcome: f.outcome ?? null,
    userId: aircallId(f.userId, field('userId')),
    teamId: aircallId(f.teamId, field('teamId')),
    tagId: aircallId(f.tagId, field('tagId')),
    numberId: aircallId(f.numberId, field('numberId')),
    contactId: aircallId(f.contactId, field('contactId')),
    digits,
    hasRecording: f.hasRecording ?? null,
    hasVoicemail: f.hasVoicemail ?? null,
    archived: f.archived ?? null,
  };
}
