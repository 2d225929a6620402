import { defineTable } from '../database/table';

/**
 * What every directory table holds besides its typed columns: the merged Aircall object, the
 * version of each of its keys, the version and hash of the row, and when Aircall reported it deleted.
 */
const MERGED = {
  deletedAt: 'datetime?',
  payload: 'json?',
  fieldVersions: 'json?',
  stateVersion: 'int',
  stateHash: 'text',
  createdAt: 'datetime',
  updatedAt: 'datetime',
} as const;

/** The columns that are not an Aircall field (key, merge state, bookkeeping). */
export const DIRECTORY_BOOKKEEPING = [
  'accountId',
  'id',
  ...(Object.keys(MERGED) as (keyof typeof MERGED)[]),
] as const;

export const USERS = defineTable('users', {
  accountId: 'id',
  id: 'id',
  name: 'text?',
  email: 'text?',
  available: 'bool?',
  availabilityStatus: 'text?',
  substatus: 'text?',
  timeZone: 'text?',
  language: 'text?',
  wrapUpTime: 'int?',
  aircallCreatedAt: 'datetime?',
  ...MERGED,
});

export const NUMBERS = defineTable('numbers', {
  accountId: 'id',
  id: 'id',
  name: 'text?',
  digits: 'text?',
  e164Digits: 'text?',
  country: 'text?',
  timeZone: 'text?',
  open: 'bool?',
  availabilityStatus: 'text?',
  isIvr: 'bool?',
  liveRecordingActivated: 'bool?',
  priority: 'int?',
  aircallCreatedAt: 'datetime?',
  ...MERGED,
});

export const TEAMS = defineTable('teams', {
  accountId: 'id',
  id: 'id',
  name: 'text?',
  aircallCreatedAt: 'datetime?',
  ...MERGED,
});

export const TAGS = defineTable('tags', {
  accountId: 'id',
  id: 'id',
  name: 'text?',
  color: 'text?',
  description: 'text?',
  ...MERGED,
});

export const CONTACTS = defineTable('contacts', {
  accountId: 'id',
  id: 'id',
  firstName: 'text?',
  lastName: 'text?',
  companyName: 'text?',
  description: 'text?',
  information: 'text?',
  isShared: 'bool?',
  phoneNumbers: 'json?',
  emails: 'json?',
  aircallCreatedAt: 'datetime?',
  aircallUpdatedAt: 'datetime?',
  ...MERGED,
});

/** Who belongs to which team, as the last /v1/teams listing said. */
export const TEAM_USERS = defineTable('team_users', {
  accountId: 'id',
  teamId: 'id',
  userId: 'id',
});

/** What GraphQL reads of each directory table: the typed columns, never the merge state. */
const READ_LEAVES_OUT = [
  'payload',
  'fieldVersions',
  'stateVersion',
  'stateHash',
  'createdAt',
  'updatedAt',
] as const;
export const DIRECTORY_READS = {
  users: USERS.omit(READ_LEAVES_OUT),
  numbers: NUMBERS.omit(READ_LEAVES_OUT),
  teams: TEAMS.omit(READ_LEAVES_OUT),
  tags: TAGS.omit(READ_LEAVES_OUT),
  contacts: CONTACTS.omit(READ_LEAVES_OUT),
};
