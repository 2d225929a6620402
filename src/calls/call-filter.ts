import { CallDirection } from './models/call-direction';
import { CallOutcome } from './models/call-outcome';

/**
 * What the calls connection and the stats can be filtered on, once parsed and scoped: `accountIds`
 * is the API key's scope (null = every account), never taken from the client unchecked.
 */
export interface CallFilter {
  accountIds: string[] | null;
  /** Inclusive. */
  startedAfter?: Date | null;
  /** Exclusive. */
  startedBefore?: Date | null;
  direction?: CallDirection | null;
  status?: string | null;
  missed?: boolean | null;
  outcome?: CallOutcome | null;
  userId?: string | null;
  teamId?: string | null;
  tagId?: string | null;
  numberId?: string | null;
  contactId?: string | null;
  /** International digits only (see normalizePhoneDigits). */
  digits?: string | null;
  hasRecording?: boolean | null;
  hasVoicemail?: boolean | null;
  archived?: boolean | null;
}
