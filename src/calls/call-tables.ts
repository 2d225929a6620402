import { defineTable } from '../database/table';

/**
 * `calls`: one row per call, its typed columns (what GraphQL filters and shows), the newest full
 * payload, and the version of the state it holds. In insert order: the typed columns, then the
 * documents and the bookkeeping.
 */
export const CALLS = defineTable('calls', {
  accountId: 'id',
  id: 'id',
  callUuid: 'text?',
  directLink: 'text?',
  direction: 'text?',
  status: 'text?',
  missedCallReason: 'text?',
  hangupCause: 'text?',
  startedAt: 'datetime?',
  answeredAt: 'datetime?',
  endedAt: 'datetime?',
  duration: 'int?',
  missed: 'bool',
  outcome: 'text?',
  inCallDuration: 'int?',
  waitingDuration: 'int?',
  rawDigits: 'text?',
  digits: 'text?',
  archived: 'bool',
  cost: 'decimal?',
  countryCode: 'text?',
  recordingUrl: 'text?',
  voicemailUrl: 'text?',
  assetUrl: 'text?',
  userId: 'id?',
  numberId: 'id?',
  assignedToId: 'id?',
  transferredById: 'id?',
  transferredToId: 'id?',
  contactId: 'id?',
  externalTransferredTo: 'text?',
  externalCallerNumber: 'text?',
  participants: 'json?',
  ivrOptions: 'json?',
  payload: 'json',
  lastEvent: 'text',
  lastEventAt: 'datetime',
  stateVersion: 'int',
  stateHash: 'text',
  createdAt: 'datetime',
  updatedAt: 'datetime',
});

/** What a Call page reads: every typed column, never the `payload` document (kept for re-derivation). */
export const CALL_PAGE = CALLS.omit(['payload', 'lastEventAt', 'stateVersion', 'stateHash', 'createdAt']);

/** The teams a call rang; `startedAt` is the call's, so a team's calls are read in index order. */
export const CALL_TEAMS = defineTable('call_teams', {
  accountId: 'id',
  callId: 'id',
  teamId: 'id',
  startedAt: 'datetime?',
});

/** The tags of a call, with who tagged it and when. */
export const CALL_TAGS = defineTable('call_tags', {
  accountId: 'id',
  callId: 'id',
  tagId: 'id',
  taggedById: 'id?',
  taggedAt: 'datetime?',
  startedAt: 'datetime?',
});

export const CALL_COMMENTS = defineTable('call_comments', {
  accountId: 'id',
  callId: 'id',
  id: 'id',
  content: 'text?',
  postedById: 'id?',
  postedAt: 'datetime?',
});

/**
 * `call_media`: the archive state of a call's recording or voicemail (`kind`). The Aircall link is the
 * call's own `recording_url`/`voicemail_url`, which every newer snapshot refreshes.
 */
export const CALL_MEDIA = defineTable('call_media', {
  accountId: 'id',
  callId: 'id',
  kind: 'text',
  status: 'text',
  callStartedAt: 'datetime?',
  storageKey: 'text?',
  sizeBytes: 'int?',
  durationSeconds: 'int?',
  contentType: 'text?',
  sha256: 'text?',
  archivedAt: 'datetime?',
  attempts: 'int',
  refreshes: 'int',
  nextAttemptAt: 'datetime',
  lastError: 'text?',
  claimedBy: 'text?',
  claimedUntil: 'datetime?',
  createdAt: 'datetime',
  updatedAt: 'datetime',
});
