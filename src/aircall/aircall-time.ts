import type { UnixSeconds } from './aircall-types';

/** A time as Aircall gives it: unix seconds (a positive finite number). */
export function isTimestamp(value: unknown): value is UnixSeconds {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** The instant of an Aircall time — unix seconds, digits, or an ISO-8601 string — or null. */
export function fromUnix(value: unknown): Date | null {
  if (isTimestamp(value)) return new Date(value * 1000);
  if (typeof value === 'string' && value.length > 0) {
    const d = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}
