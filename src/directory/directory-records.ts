import type {
  AircallContact,
  AircallNumber,
  AircallTag,
  AircallTeam,
  AircallUser,
} from '../aircall/aircall-types';
import { fromUnix } from '../aircall/aircall-time';
import type { Database } from '../database/database';
import { Columns, RowToWrite, Table } from '../database/table';
import { CONTACTS, DIRECTORY_BOOKKEEPING, NUMBERS, TAGS, TEAMS, USERS } from './directory-tables';

const str = (v: unknown, max = 255): string | null =>
  v === null || v === undefined || v === '' ? null : String(v).slice(0, max);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null;
const list = (v: unknown): string | null => (Array.isArray(v) ? JSON.stringify(v) : null);

/** The typed (Aircall) columns of a directory table: everything but its key and merge state. */
type TypedFields<T> = Omit<RowToWrite<T>, (typeof DIRECTORY_BOOKKEEPING)[number]>;

/** How one table's typed columns are read from the (merged) Aircall object, and its whole row. */
interface DirectoryTableSpec<C extends Columns, O> {
  table: Table<C>;
  values(object: O): TypedFields<Table<C>>;
}

function spec<C extends Columns, O>(
  table: Table<C>,
  values: (object: O) => TypedFields<Table<C>>,
): DirectoryTableSpec<C, O> {
  return { table, values };
}

/** Each directory table and how its typed columns are read from the Aircall object. */
export const DIRECTORY_TABLES = {
  users: spec(USERS, (user: AircallUser) => ({
    name: str(user.name ?? ([user.first_name, user.last_name].filter(Boolean).join(' ') || null)),
    email: str(user.email),
    available: bool(user.available),
    availabilityStatus: str(user.availability_status, 32),
    substatus: str(user.substatus, 64),
    timeZone: str(user.time_zone, 64),
    language: str(user.language, 16),
    wrapUpTime: int(user.wrap_up_time),
    aircallCreatedAt: fromUnix(user.created_at),
  })),
  numbers: spec(NUMBERS, (number: AircallNumber) => ({
    name: str(number.name),
    digits: str(number.digits, 64),
    e164Digits: str(number.e164_digits, 32),
    country: str(number.country, 8),
    timeZone: str(number.time_zone, 64),
    open: bool(number.open),
    availabilityStatus: str(number.availability_status, 32),
    isIvr: bool(number.is_ivr),
    liveRecordingActivated: bool(number.live_recording_activated),
    priority: int(number.priority),
    aircallCreatedAt: fromUnix(number.created_at),
  })),
  teams: spec(TEAMS, (team: AircallTeam) => ({
    name: str(team.name),
    aircallCreatedAt: fromUnix(team.created_at),
  })),
  tags: spec(TAGS, (tag: AircallTag) => ({
    name: str(tag.name),
    color: str(tag.color, 32),
    description: str(tag.description, 1024),
  })),
  contacts: spec(CONTACTS, (contact: AircallContact) => ({
    firstName: str(contact.first_name),
    lastName: str(contact.last_name),
    companyName: str(contact.company_name),
    description: str(contact.description, 65535),
    information: str(contact.information, 65535),
    isShared: bool(contact.is_shared),
    phoneNumbers: list(contact.phone_numbers),
    emails: list(contact.emails),
    aircallCreatedAt: fromUnix(contact.created_at),
    aircallUpdatedAt: fromUnix(contact.updated_at),
  })),
};

/** The key and merge state of a directory row, as the upserter computes them. */
export interface DirectoryRowBase {
  accountId: string;
  id: string;
  deletedAt: Date | null;
  payload: string;
  fieldVersions: string;
  stateVersion: number;
  stateHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export type DirectoryTable = keyof typeof DIRECTORY_TABLES;

/** The encoded row of `table` for the merged object `object` and its key and merge state. */
export function directoryRow(
  db: Database,
  table: DirectoryTable,
  base: DirectoryRowBase,
  object: Record<string, unknown>,
): unknown[] {
  const { table: definition, values } = DIRECTORY_TABLES[table] as unknown as DirectoryTableSpec<
    Columns,
    Record<string, unknown>
  >;
  return definition.values(db, { ...base, ...values(object) } as RowToWrite<typeof definition>);
}

/** The columns of `table`, in the order directoryRow() gives its values. */
export function directoryColumns(table: DirectoryTable): readonly string[] {
  return DIRECTORY_TABLES[table].table.columns;
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
