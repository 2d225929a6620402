import { defineTable } from '../database/table';

/** `api_keys`: keys for GraphQL, stored as their SHA-256 with a prefix to recognise them by. */
export const API_KEYS = defineTable('api_keys', {
  id: 'bigid',
  name: 'text',
  role: 'text',
  accountIds: 'json?',
  keyHash: 'text',
  keyPrefix: 'text',
  createdAt: 'datetime',
  revokedAt: 'datetime?',
  lastUsedAt: 'datetime?',
});
