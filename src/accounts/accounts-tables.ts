import { defineTable } from '../database/table';

/**
 * `accounts`: one connected Aircall company, its sealed credentials, webhook, sync cursor and state.
 * `credentials` holds the SecretBox-sealed token; `webhook_token_hash` the SHA-256 of the webhook's.
 */
export const ACCOUNTS = defineTable('accounts', {
  id: 'id',
  aircallCompanyId: 'id?',
  name: 'text?',
  authType: 'text',
  apiId: 'text?',
  credentials: 'text?',
  status: 'text',
  statusReason: 'text?',
  webhookId: 'text?',
  webhookTokenHash: 'text?',
  webhookActive: 'bool?',
  webhookCheckedAt: 'datetime?',
  syncCursor: 'datetime?',
  lastSyncedAt: 'datetime?',
  disconnectedAt: 'datetime?',
  archiveRecordings: 'bool',
  createdAt: 'datetime',
  updatedAt: 'datetime',
});

/** Aircall ids seen for an account (its API id, users, numbers), which recognise the company again. */
export const ACCOUNT_IDENTITIES = defineTable('account_identities', {
  accountId: 'id',
  kind: 'text',
  aircallId: 'text',
  createdAt: 'datetime',
});
