import { defineTable } from '../database/table';

/**
 * `webhook_events`, the inbox: every delivery Aircall made, by account and fingerprint, with where
 * it stands (pending, applied, skipped, failed, quarantined). `data` is the envelope's `data`;
 * `raw` the whole body (token removed) of a delivery whose envelope could not be read.
 */
export const WEBHOOK_EVENTS = defineTable('webhook_events', {
  accountId: 'id',
  id: 'text',
  resource: 'text',
  event: 'text',
  eventTimestamp: 'int',
  resourceId: 'id?',
  data: 'json',
  status: 'text',
  attempts: 'int',
  nextAttemptAt: 'datetime',
  receivedAt: 'datetime',
  lastError: 'text?',
  raw: 'text?',
  appliedAt: 'datetime?',
});

/** What storing a delivery writes (it is not applied yet). */
export const INBOX_INSERT = WEBHOOK_EVENTS.omit(['appliedAt']);
