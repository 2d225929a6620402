import type { AircallCall } from '../aircall/aircall-types';

/** Latest instant both engines store in a DATETIME (MySQL's is 9999-12-31 23:59:59). */
const MAX_UNIX_SECONDS = 253_402_300_799;

const isId = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** `{}` stands for "absent" in Aircall's own samples (`"user": {}, "contact": {}` in call.created). */
export const isEmptyObject = (v: unknown) => isRecord(v) && Object.keys(v).length === 0;
const absent = (v: unknown) => v === null || v === undefined;

/** A time Aircall gives as unix seconds or an ISO-8601 string, within what a DATETIME can hold. */
function isTime(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 && v <= MAX_UNIX_SECONDS;
  if (typeof v !== 'string') return false;
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_UNIX_SECONDS * 1000;
}

type Check = (v: unknown) => boolean;
const optional =
  (check: Check): Check =>
  (v) =>
    absent(v) || check(v);
const isString: Check = (v) => typeof v === 'string';
const isFiniteNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
/** A nested object: absent, `{}` (absent too), or an object with an id. */
const nested: Check = (v) => absent(v) || isEmptyObject(v) || (isRecord(v) && isId(v.id));
/**
 * What one call may carry, per list: far above what a real call has (a handful of tags and teams, a
 * few comments, a few dozen legs in a long conference), and low enough that one delivery's links cost
 * about what an ordinary delivery does, so one tenant's payloads cannot take the processor from the
 * others. A call past a cap is quarantined (kept, answered 200), never refused.
 */
export const CALL_LIST_CAPS = {
  teams: 200,
  tags: 200,
  comments: 500,
  participants: 500,
  conference_participants: 500,
  ivr_options_selected: 500,
} as const;
/** Longest comment content kept as a comment (64 KiB of text; Aircall's comments are notes). */
export const MAX_COMMENT_CHARS = 65_536;
/** How far a call may start after the event that reports it (clock skew between Aircall's services). */
const START_AFTER_EVENT_SECONDS = 86_400;

const items =
  (check: Check, cap: number): Check =>
  (v) =>
    absent(v) ||
    (Array.isArray(v) && v.length <= cap && v.every((item) => isEmptyObject(item) || check(item)));

const tag: Check = (v) => isRecord(v) && isId(v.id) && nested(v.tagged_by) && optional(isTime)(v.tagged_at);
const comment: Check = (v) =>
  isRecord(v) &&
  isId(v.id) &&
  optional((c) => isString(c) && (c as string).length <= MAX_COMMENT_CHARS)(v.content) &&
  nested(v.posted_by) &&
  optional(isTime)(v.posted_at);
const team: Check = (v) => isRecord(v) && isId(v.id);
const objects =
  (cap: number): Check =>
  (v) =>
    absent(v) || (Array.isArray(v) && v.length <= cap && v.every(isRecord));

/** What each field of a Call object must be, in the order a problem names them. Built once. */
const CALL_FIELDS: ReadonlyArray<{ field: string; ok: Check }> = [
  { field: 'id', ok: isId },
  { field: 'direction', ok: optional(isString) },
  { field: 'status', ok: optional(isString) },
  { field: 'missed_call_reason', ok: optional(isString) },
  { field: 'hangup_cause', ok: optional(isString) },
  { field: 'started_at', ok: optional(isTime) },
  { field: 'answered_at', ok: optional(isTime) },
  { field: 'ended_at', ok: optional(isTime) },
  { field: 'duration', ok: optional(isFiniteNumber) },
  { field: 'archived', ok: optional((v) => typeof v === 'boolean') },
  { field: 'raw_digits', ok: optional(isString) },
  { field: 'cost', ok: optional((v) => typeof v === 'string' || typeof v === 'number') },
  { field: 'user', ok: nested },
  { field: 'number', ok: nested },
  { field: 'assigned_to', ok: nested },
  { field: 'transferred_by', ok: nested },
  { field: 'transferred_to', ok: nested },
  { field: 'contact', ok: nested },
  { field: 'teams', ok: items(team, CALL_LIST_CAPS.teams) },
  { field: 'tags', ok: items(tag, CALL_LIST_CAPS.tags) },
  { field: 'comments', ok: items(comment, CALL_LIST_CAPS.comments) },
  { field: 'participants', ok: objects(CALL_LIST_CAPS.participants) },
  { field: 'conference_participants', ok: objects(CALL_LIST_CAPS.conference_participants) },
  { field: 'ivr_options_selected', ok: objects(CALL_LIST_CAPS.ivr_options_selected) },
];

/** Unix seconds of a time field (seconds or ISO-8601), or null. */
function secondsOf(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/**
 * What keeps `data` of a call event from being stored as a call, naming the fields, or null: a value
 * of the wrong type, a list past its cap (CALL_LIST_CAPS), or, given the event's own time, a start
 * more than a day after it (a call cannot start after the event reporting it; a year-2500 call would
 * stretch every unfiltered time range). Such an event is quarantined (kept, answered 200, replayable
 * after an upgrade), never refused: Aircall disables a webhook whose deliveries keep failing. A valid
 * payload allocates nothing here.
 */
export function callPayloadProblem(data: unknown, eventTimestamp?: number): string | null {
  if (!isRecord(data)) return 'data must be a Call object';
  let wrong: string[] | null = null;
  for (let i = 0; i < CALL_FIELDS.length; i++) {
    const { field, ok } = CALL_FIELDS[i];
    if (!ok(data[field])) (wrong ??= []).push(field);
  }
  if (wrong !== null) {
    const capped = wrong.filter((field) => {
      const cap = CALL_LIST_CAPS[field as keyof typeof CALL_LIST_CAPS];
      const value = data[field];
      return cap !== undefined && Array.isArray(value) && value.length > cap;
    });
    const detail = capped.length
      ? ` (at most ${capped.map((f) => `${CALL_LIST_CAPS[f as keyof typeof CALL_LIST_CAPS]} ${f}`).join(', ')} per call)`
      : '';
    return `call payload has a wrong or missing value for: ${wrong.join(', ')}${detail}`;
  }
  if (eventTimestamp !== undefined && !absent(data.started_at)) {
    const started = secondsOf(data.started_at);
    if (started !== null && started > eventTimestamp + START_AFTER_EVENT_SECONDS)
      return 'call payload has started_at more than a day after the event’s timestamp';
  }
  return null;
}

export function asCall(data: unknown): AircallCall {
  return data as AircallCall;
}

/** What keeps `data` of a user, number or contact event from being stored, or null. */
export function directoryPayloadProblem(data: unknown): string | null {
  return isRecord(data) && isId(data.id) ? null : 'data must be an object with a positive integer id';
}
