import type {
  AircallContact,
  AircallNumber,
  AircallTag,
  AircallTeam,
  AircallUser,
} from '../aircall/aircall-types';
import { fromUnix } from '../aircall/aircall-time';

/** A column value before dialect encoding: Dates and booleans are encoded by the upserter. */
export type DirectoryValue = string | number | boolean | Date | null | unknown[];

const str = (v: unknown, max = 255): string | null =>
  v === null || v === undefined || v === '' ? null : String(v).slice(0, max);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null;
const list = (v: unknown): unknown[] | null => (Array.isArray(v) ? v : null);

/**
 * Each directory table: its typed columns in insert order (account_id, id first; versions and stamps
 * added by the upserter), and how they are read from the (merged) Aircall object.
 */
export const DIRECTORY_TABLES = {
  users: {
    columns: [
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
    values: (user: AircallUser): Record<string, DirectoryValue> => ({
      name: str(user.name ?? ([user.first_name, user.last_name].filter(Boolean).join(' ') || null)),
      email: str(user.email),
      available: bool(user.available),
      availability_status: str(user.availability_status, 32),
      substatus: str(user.substatus, 64),
      time_zone: str(user.time_zone, 64),
      language: str(user.language, 16),
      wrap_up_time: int(user.wrap_up_time),
      aircall_created_at: fromUnix(user.created_at),
    }),
  },
  numbers: {
    columns: [
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
    values: (number: AircallNumber): Record<string, DirectoryValue> => ({
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
    }),
  },
  teams: {
    columns: ['name', 'aircall_created_at'],
    values: (team: AircallTeam): Record<string, DirectoryValue> => ({
      name: str(team.name),
      aircall_created_at: fromUnix(team.created_at),
    }),
  },
  tags: {
    columns: ['name', 'color', 'description'],
    values: (tag: AircallTag): Record<string, DirectoryValue> => ({
      name: str(tag.name),
      color: str(tag.color, 32),
      description: str(tag.description, 1024),
    }),
  },
  contacts: {
    columns: [
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
    values: (contact: AircallContact): Record<string, DirectoryValue> => ({
      first_name: str(contact.first_name),
      last_name: str(contact.last_name),
      company_name: str(contact.company_name),
      description: str(contact.description, 65535),
      information: str(contact.information, 65535),
      is_shared: bool(contact.is_shared),
      phone_numbers: list(contact.phone_numbers),
      emails: list(contact.emails),
      aircall_created_at: fromUnix(contact.created_at),
      aircall_updated_at: fromUnix(contact.updated_at),
    }),
  },
} as const;

export type DirectoryTable = keyof typeof DIRECTORY_TABLES;

/** The typed column values of an object of `table` (the merged object, once snapshots are folded in). */
export function directoryValues(
  table: DirectoryTable,
  object: Record<string, unknown>,
): Record<string, DirectoryValue> {
  return (DIRECTORY_TABLES[table].values as (o: Record<string, unknown>) => Record<string, DirectoryValue>)(
    object,
  );
}

/**
 * One observation of a directory object, as Aircall sent it. `deleted` is set only by sources that
 * speak for the object's existence (its own events, its list endpoint); a copy nested in a call, a
 * comment or a team leaves it undefined, so it neither deletes nor revives the object.
 */
export interface DirectoryRecord {
  table: DirectoryTable;
  id: string;
  /** The keys this observation carries: only these are merged into the stored object. */
  object: Record<string, unknown>;
  deleted?: boolean;
}

function record(
  table: DirectoryTable,
  object: { id: unknown },
  deleted: boolean | undefined,
): DirectoryRecord {
  return { table, id: String(object.id), object: object as Record<string, unknown>, deleted };
}

export function userRecord(user: AircallUser, deleted?: boolean): DirectoryRecord {
  return record('users', user, deleted);
}

export function numberRecord(number: AircallNumber, deleted?: boolean): DirectoryRecord {
  return record('numbers', number, deleted);
}

export function teamRecord(team: AircallTeam, deleted?: boolean): DirectoryRecord {
  // Team members are synced from /v1/teams (reference sync, team_users), not kept in the team's row.
  const { users: _members, ...object } = team;
  return record('teams', object as AircallTeam, deleted);
}

export function tagRecord(tag: AircallTag, deleted?: boolean): DirectoryRecord {
  // tagged_by / tagged_at describe the tag's use on one call (call_tags), not the tag itself.
  const { tagged_by: _by, tagged_at: _at, ...object } = tag;
  return record('tags', object as AircallTag, deleted);
}

export function contactRecord(contact: AircallContact, deleted?: boolean): DirectoryRecord {
  return record('contacts', contact, deleted);
}
