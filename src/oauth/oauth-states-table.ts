import { defineTable } from '../database/table';

/** `oauth_states`: the nonces of OAuth states already used, until they expire (replays refused). */
export const OAUTH_STATES = defineTable('oauth_states', {
  nonce: 'text',
  expiresAt: 'datetime',
  usedAt: 'datetime?',
  createdAt: 'datetime',
});
