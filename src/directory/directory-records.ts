import type {
  AircallContact,
  AircallNumber,
  AircallTag,
  AircallTeam,
  AircallUser,
} from '../aircall/aircall-types';
import { fromUnix } from '../calls/call-record';

/** Columns of each directory table, in insert order (account_id, id first; versions and stamps added by the upserter). */
export const DIRECTORY_COLUMNS = {
  users: [
    'name',
    'email',
    'available',
    'availability_status',
    'substatus',
    'time_zone',
    'language',
    'wrap_up_time',
    'aircall_created_at',
  ],
  numbers: [
    'name',
    'digits',
    'e164_digits',
    'country',
    'time_zone',
    'open',
    'availability_status',
    'is_ivr',
    'live_recording_activated',
    'priority',
    'aircall_created_at',
  ],
  teams: ['name', 'aircall_created_at'],
  tags: ['name', 'color', 'description'],
  contacts: [
    'first_name',
    'last_name',
    'company_name',
    'description',
    'information',
    'is_shared',
    'phone_numbers',
    'emails',
    'aircall_created_at',
    'aircall_updated_at',
  ],
} as const;

export type DirectoryTable = keyof typeof DIRECTORY_COLUMNS;

/** A column value before dialect encoding: Dates and booleans are encoded by the upserter. */
export type DirectoryValue = string | number | boolean | Date | null | unknown[];

export interface DirectoryRecord {
  table: DirectoryTable;
  id: string;
  values: Record<string, DirectoryValue>;
  /** The object as Aircall sent it (kept as JSON so nothing Aircall adds later is lost). */
  payload: unknown;
  deleted: boolean;
}

const str = (v: unknown, max = 255): string | null =>
  v === null || v === undefined || v === '' ? null : String(v).slice(0, max);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null;

export function userRecord(user: AircallUser, deleted = false): DirectoryRecord {
  const name = user.name ?? ([user.first_name, user.last_name].filter(Boolean).join(' ') || null);
  return {
    table: 'users',
    id: String(user.id),
    deleted,
    payload: user,
    values: {
      name: str(name),
      email: str(user.email),
      available: bool(user.available),
      availability_status: str(user.availability_status, 32),
      substatus: str(user.substatus, 64),
      time_zone: str(user.time_zone, 64),
      language: str(user.language, 16),
      wrap_up_time: int(user.wrap_up_time),
      aircall_created_at: fromUnix(user.created_at),
    },
  };
}

export function numberRecord(number: AircallNumber, deleted = false): DirectoryRecord {
  return {
    table: 'numbers',
    id: String(number.id),
    deleted,
    payload: number,
    values: {
      name: str(number.name),
      digits: str(number.digits, 64),
      e164_digits: str(number.e164_digits, 32),
      country: str(number.country, 8),
      time_zone: str(number.time_zone, 64),
      open: bool(number.open),
      availability_status: str(number.availability_status, 32),
      is_ivr: bool(number.is_ivr),
      live_recording_activated: bool(number.live_recording_activated),
      priority: int(number.priority),
      aircall_created_at: fromUnix(number.created_at),
    },
  };
}

export function teamRecord(team: AircallTeam): DirectoryRecord {
  // Team members are synced from /v1/teams (reference sync), not from the team stub inside a call.
  const { users: _members, ...payload } = team;
  return {
    table: 'teams',
    id: String(team.id),
    deleted: false,
    payload,
    values: { name: str(team.name), aircall_created_at: fromUnix(team.created_at) },
  };
}

export function tagRecord(tag: AircallTag): DirectoryRecord {
  // tagged_by / tagged_at describe the tag's use on one call (call_tags), not the tag itself.
  const { tagged_by: _by, tagged_at: _at, ...payload } = tag;
  return {
    table: 'tags',
    id: String(tag.id),
    deleted: false,
    payload,
    values: { name: str(tag.name), color: str(tag.color, 32), description: str(tag.description, 1024) },
  };
}

export function contactRecord(contact: AircallContact, deleted = false): DirectoryRecord {
  return {
    table: 'contacts',
    id: String(contact.id),
    deleted,
    payload: contact,
    values: {
      first_name: str(contact.first_name),
      last_name: str(contact.last_name),
      company_name: str(contact.company_name),
      description: str(contact.description, 65535),
      information: str(contact.information, 65535),
      is_shared: bool(contact.is_shared),
      phone_numbers: Array.isArray(contact.phone_numbers) ? contact.phone_numbers : null,
      emails: Array.isArray(contact.emails) ? contact.emails : null,
      aircall_created_at: fromUnix(contact.created_at),
      aircall_updated_at: fromUnix(contact.updated_at),
    },
  };
}
