import type { AircallCall, AircallComment, AircallTag } from '../aircall/aircall-types';
import { fromUnix, isTimestamp } from '../aircall/aircall-time';

/**
 * Derived facts of a call, computed at write time so they can be indexed and filtered on.
 */

/**
 * Aircall documents `missed_call_reason` as "the reason why the Call was missed" (out_of_opening_hours,
 * short_abandoned, abandoned_in_ivr, abandoned_in_classic, no_available_agent, agents_did_not_answer),
 * and a call's `status` as only initial | answered | done — never "missed"
 * (https://developer.aircall.io/api-references/#call-overview; docs/aircall-behaviour.md §3).
 * So a call is missed once it is over (`done`), it was inbound, and Aircall gave a reason.
 */
export function isMissed(call: Pick<AircallCall, 'direction' | 'status' | 'missed_call_reason'>): boolean {
  return call.direction === 'inbound' && call.status === 'done' && Boolean(call.missed_call_reason);
}

/** Aircall Analytics' call types of an inbound call (docs/aircall-behaviour.md §3). */
export type CallOutcome = 'answered' | 'missed' | 'abandoned' | 'out_of_hours' | 'voicemail';

/** The reasons Aircall gives when the caller hung up before being connected (`abandoned` is Smartflows' name). */
const ABANDONED_REASONS: ReadonlySet<string> = new Set([
  'short_abandoned',
  'abandoned_in_ivr',
  'abandoned_in_classic',
  'abandoned',
]);

/**
 * How an inbound call ended, as Aircall Analytics types it: Answered (an agent connected), Out of
 * business hours, Voicemail (unanswered, a message was left), Abandoned (the caller hung up before
 * being connected), Missed (no agent available or none answered, no message). Null for outbound calls
 * (Analytics types them only as "Outbound") and for calls not over yet. Where Aircall's definitions
 * overlap, the first that applies in that order wins: an out-of-hours voicemail is OUT_OF_HOURS.
 */
export function callOutcome(
  call: Pick<AircallCall, 'direction' | 'status' | 'answered_at' | 'missed_call_reason' | 'voicemail'>,
): CallOutcome | null {
  if (call.direction !== 'inbound' || call.status !== 'done') return null;
  if (isTimestamp(call.answered_at)) return 'answered';
  if (call.missed_call_reason === 'out_of_opening_hours') return 'out_of_hours';
  if (call.voicemail) return 'voicemail';
  if (call.missed_call_reason && ABANDONED_REASONS.has(call.missed_call_reason)) return 'abandoned';
  return 'missed';
}

/** Seconds of conversation: ended − answered; null when never answered or not ended yet. */
export function inCallDuration(call: Pick<AircallCall, 'answered_at' | 'ended_at'>): number | null {
  if (!isTimestamp(call.answered_at) || !isTimestamp(call.ended_at)) return null;
  return Math.max(0, call.ended_at - call.answered_at);
}

/** Seconds before someone answered: answered − started; null when never answered. */
export function waitingDuration(call: Pick<AircallCall, 'started_at' | 'answered_at'>): number | null {
  if (!isTimestamp(call.started_at) || !isTimestamp(call.answered_at)) return null;
  return Math.max(0, call.answered_at - call.started_at);
}

/**
 * International digits only, so `+33 1 23 45 67 89`, `0033123456789` and `+33123456789` compare equal.
 * `anonymous` (Aircall's value for hidden numbers) and anything without digits give null. National
 * formats without a country code are kept as their digits (they cannot be made international safely).
 */
export function normalizePhoneDigits(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length === 0) return null;
  if (trimmed.startsWith('+')) return digits.slice(0, 32);
  if (digits.startsWith('00')) return digits.slice(2, 34);
  return digits.slice(0, 32);
}

function idOf(value: { id?: unknown } | null | undefined): string | null {
  const id = value?.id;
  return typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id)) ? String(id) : null;
}

function text(value: unknown, max: number): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value).slice(0, max);
}

function cost(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The typed columns of one `calls` row (everything except account, version and bookkeeping). */
export interface CallColumns {
  id: string;
  callUuid: string | null;
  directLink: string | null;
  direction: string | null;
  status: string | null;
  missedCallReason: string | null;
  hangupCause: string | null;
  startedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  duration: number | null;
  missed: boolean;
  outcome: CallOutcome | null;
  inCallDuration: number | null;
  waitingDuration: number | null;
  rawDigits: string | null;
  digits: string | null;
  archived: boolean;
  cost: number | null;
  countryCode: string | null;
  recordingUrl: string | null;
  voicemailUrl: string | null;
  assetUrl: string | null;
  userId: string | null;
  numberId: string | null;
  assignedToId: string | null;
  transferredById: string | null;
  transferredToId: string | null;
  contactId: string | null;
  externalTransferredTo: string | null;
  externalCallerNumber: string | null;
  participants: unknown[] | null;
  ivrOptions: unknown[] | null;
}

export interface CallTagRow {
  tagId: string;
  taggedById: string | null;
  taggedAt: Date | null;
}

export interface CallCommentRow {
  id: string;
  content: string | null;
  postedById: string | null;
  postedAt: Date | null;
}

/** Maps Aircall's Call object to its typed columns, derived facts included. */
export function callColumns(call: AircallCall): CallColumns {
  const duration = typeof call.duration === 'number' ? Math.round(call.duration) : null;
  return {
    id: String(call.id),
    callUuid: text(call.call_uuid ?? call.sid, 128),
    directLink: text(call.direct_link, 512),
    direction: text(call.direction, 16),
    status: text(call.status, 24),
    missedCallReason: text(call.missed_call_reason, 64),
    hangupCause: text(call.hangup_cause, 64),
    startedAt: fromUnix(call.started_at),
    answeredAt: fromUnix(call.answered_at),
    endedAt: fromUnix(call.ended_at),
    duration,
    missed: isMissed(call),
    outcome: callOutcome(call),
    inCallDuration: inCallDuration(call),
    waitingDuration: waitingDuration(call),
    rawDigits: text(call.raw_digits, 64),
    digits: normalizePhoneDigits(call.raw_digits),
    archived: call.archived === true,
    cost: cost(call.cost),
    countryCode: text(call.country_code_a2, 2),
    recordingUrl: text(call.recording, 8192),
    voicemailUrl: text(call.voicemail, 8192),
    assetUrl: text(call.asset, 8192),
    userId: idOf(call.user),
    numberId: idOf(call.number),
    assignedToId: idOf(call.assigned_to),
    transferredById: idOf(call.transferred_by),
    transferredToId: idOf(call.transferred_to),
    contactId: idOf(call.contact),
    externalTransferredTo: text(call.external_transferred_to, 64),
    externalCallerNumber: text(call.external_caller_number, 64),
    participants: call.participants ?? call.conference_participants ?? null,
    ivrOptions: call.ivr_options_selected ?? null,
  };
}

export function callTeamIds(call: AircallCall): string[] {
  return [...new Set((call.teams ?? []).map(idOf).filter((id): id is string => id !== null))];
}

export function callTags(call: AircallCall): CallTagRow[] {
  const byId = new Map<string, CallTagRow>();
  for (const tag of (call.tags ?? []) as AircallTag[]) {
    const tagId = idOf(tag);
    if (tagId) byId.set(tagId, { tagId, taggedById: idOf(tag.tagged_by), taggedAt: fromUnix(tag.tagged_at) });
  }
  return [...byId.values()];
}

export function callComments(call: AircallCall): CallCommentRow[] {
  const byId = new Map<string, CallCommentRow>();
  for (const comment of (call.comments ?? []) as AircallComment[]) {
    const id = idOf(comment);
    if (id)
      byId.set(id, {
        id,
        content: comment.content ?? null,
        postedById: idOf(comment.posted_by),
        postedAt: fromUnix(comment.posted_at),
      });
  }
  return [...byId.values()];
}
