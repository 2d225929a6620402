import type { AircallCall } from '../aircall/aircall-types';

const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const optional = (v: unknown, check: (v: unknown) => boolean) => v === null || v === undefined || check(v);
const isObjectWithId = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && isInt((v as { id?: unknown }).id);
const isArrayOf = (check: (v: unknown) => boolean) => (v: unknown) => Array.isArray(v) && v.every(check);

/**
 * Checks that `data` of a call event is a Call object the upsert can store; returns what is wrong,
 * naming the field, or null. (A wrong type would otherwise be stored as garbage or fail the batch.)
 */
export function callPayloadProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'data must be a Call object';
  const call = data as Record<string, unknown>;
  const checks: Array<[string, boolean]> = [
    ['id', isInt(call.id)],
    ['direction', optional(call.direction, (v) => typeof v === 'string')],
    ['status', optional(call.status, (v) => typeof v === 'string')],
    ['missed_call_reason', optional(call.missed_call_reason, (v) => typeof v === 'string')],
    ['started_at', optional(call.started_at, (v) => typeof v === 'number' && Number.isFinite(v))],
    ['answered_at', optional(call.answered_at, (v) => typeof v === 'number' && Number.isFinite(v))],
    ['ended_at', optional(call.ended_at, (v) => typeof v === 'number' && Number.isFinite(v))],
    ['duration', optional(call.duration, (v) => typeof v === 'number' && Number.isFinite(v))],
    ['archived', optional(call.archived, (v) => typeof v === 'boolean')],
    ['raw_digits', optional(call.raw_digits, (v) => typeof v === 'string')],
    ['cost', optional(call.cost, (v) => typeof v === 'string' || typeof v === 'number')],
    ['user', optional(call.user, isObjectWithId)],
    ['number', optional(call.number, isObjectWithId)],
    ['assigned_to', optional(call.assigned_to, isObjectWithId)],
    ['transferred_by', optional(call.transferred_by, isObjectWithId)],
    ['transferred_to', optional(call.transferred_to, isObjectWithId)],
    ['contact', optional(call.contact, isObjectWithId)],
    ['teams', optional(call.teams, isArrayOf(isObjectWithId))],
    ['tags', optional(call.tags, isArrayOf(isObjectWithId))],
    ['comments', optional(call.comments, isArrayOf(isObjectWithId))],
  ];
  const wrong = checks.filter(([, ok]) => !ok).map(([field]) => field);
  return wrong.length === 0 ? null : `call payload has a wrong or missing value for: ${wrong.join(', ')}`;
}

export function asCall(data: unknown): AircallCall {
  return data as AircallCall;
}

export function directoryPayloadProblem(data: unknown): string | null {
  return isObjectWithId(data) ? null : 'data must be an object with a positive integer id';
}
