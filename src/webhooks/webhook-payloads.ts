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
const items =
  (check: Check): Check =>
  (v) =>
    absent(v) || (Array.isArray(v) && v.every((item) => isEmptyObject(item) || check(item)));

const tag: Check = (v) => isRecord(v) && isId(v.id) && nested(v.tagged_by) && optional(isTime)(v.tagged_at);
const comment: Check = (v) =>
  isRecord(v) &&
  isId(v.id) &&
  optional(isString)(v.content) &&
  nested(v.posted_by) &&
  optional(isTime)(v.posted_at);
const team: Check = (v) => isRecord(v) && isId(v.id);
const objects: Check = (v) => absent(v) || (Array.isArray(v) && v.every(isRecord));

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
  { field: 'teams', ok: items(team) },
  { field: 'tags', ok: items(tag) },
  { field: 'comments', ok: items(comment) },
  { field: 'participants', ok: objects },
  { field: 'conference_participants', ok: objects },
  { field: 'ivr_options_selected', ok: objects },
];

/**
 * What keeps `data` of a call event from being stored as a call, naming the fields, or null. Such an
 * event is quarantined (kept, answered 200, replayable after an upgrade), never refused: Aircall
 * disables a webhook whose deliveries keep failing. A valid payload allocates nothing here.
 */
export function callPayloadProblem(data: unknown): string | null {
  if (!isRecord(data)) return 'data must be a Call object';
  let wrong: string[] | null = null;
  for (let i = 0; i < CALL_FIELDS.length; i++) {
    const { field, ok } = CALL_FIELDS[i];
    if (!ok(data[field])) (wrong ??= []).push(field);
  }
  return wrong === null ? null : `call payload has a wrong or missing value for: ${wrong.join(', ')}`;
}

export function asCall(data: unknown): AircallCall {
  return data as AircallCall;
}

/** What keeps `data` of a user, number or contact event from being stored, or null. */
export function directoryPayloadProblem(data: unknown): string | null {
  return isRecord(data) && isId(data.id) ? null : 'data must be an object with a positive integer id';
}
