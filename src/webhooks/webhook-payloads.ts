import type { AircallCall } from '../aircall/aircall-types';

const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const optional = (check: (v: unknown) => boolean) => (v: unknown) =>
  v === null || v === undefined || check(v);
const isString = (v: unknown) => typeof v === 'string';
const isFiniteNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isObjectWithId = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && isInt((v as { id?: unknown }).id);
const isArrayOf = (check: (v: unknown) => boolean) => (v: unknown) => Array.isArray(v) && v.every(check);

/** What each field of a Call object must be, in the order a problem names them. Built once. */
const CALL_FIELDS: ReadonlyArray<{ field: string; ok: (v: unknown) => boolean }> = [
  { field: 'id', ok: isInt },
  { field: 'direction', ok: optional(isString) },
  { field: 'status', ok: optional(isString) },
  { field: 'missed_call_reason', ok: optional(isString) },
  { field: 'started_at', ok: optional(isFiniteNumber) },
  { field: 'answered_at', ok: optional(isFiniteNumber) },
  { field: 'ended_at', ok: optional(isFiniteNumber) },
  { field: 'duration', ok: optional(isFiniteNumber) },
  { field: 'archived', ok: optional((v) => typeof v === 'boolean') },
  { field: 'raw_digits', ok: optional(isString) },
  { field: 'cost', ok: optional((v) => typeof v === 'string' || typeof v === 'number') },
  { field: 'user', ok: optional(isObjectWithId) },
  { field: 'number', ok: optional(isObjectWithId) },
  { field: 'assigned_to', ok: optional(isObjectWithId) },
  { field: 'transferred_by', ok: optional(isObjectWithId) },
  { field: 'transferred_to', ok: optional(isObjectWithId) },
  { field: 'contact', ok: optional(isObjectWithId) },
  { field: 'teams', ok: optional(isArrayOf(isObjectWithId)) },
  { field: 'tags', ok: optional(isArrayOf(isObjectWithId)) },
  { field: 'comments', ok: optional(isArrayOf(isObjectWithId)) },
];

/**
 * Checks that `data` of a call event is a Call object the upsert can store; returns what is wrong,
 * naming the field, or null. (A wrong type would otherwise be stored as garbage or fail the batch.)
 * Runs on every call delivery: a valid payload allocates nothing here.
 */
export function callPayloadProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'data must be a Call object';
  const call = data as Record<string, unknown>;
  let wrong: string[] | null = null;
  for (let i = 0; i < CALL_FIELDS.length; i++) {
    const { field, ok } = CALL_FIELDS[i];
    if (!ok(call[field])) (wrong ??= []).push(field);
  }
  return wrong === null ? null : `call payload has a wrong or missing value for: ${wrong.join(', ')}`;
}

export function asCall(data: unknown): AircallCall {
  return data as AircallCall;
}

export function directoryPayloadProblem(data: unknown): string | null {
  return isObjectWithId(data) ? null : 'data must be an object with a positive integer id';
}
