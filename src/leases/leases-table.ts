import { defineTable } from '../database/table';

/** `leases`: who holds a named piece of work (per account, or service-wide) until when. */
export const LEASES = defineTable('leases', {
  accountId: 'id',
  name: 'text',
  holder: 'text',
  expiresAt: 'datetime',
  acquiredAt: 'datetime',
});
