/** How the service authenticates to Aircall for an account (docs/aircall-behaviour.md §8). */
export type AccountAuthType = 'oauth' | 'basic';
/** active: synced; needs_reauth: Aircall answered 401, an admin must reconnect; disconnected: forgotten credentials. */
export type AccountStatus = 'active' | 'needs_reauth' | 'disconnected';

/**
 * One connected Aircall company (accounts.id = Aircall's company_id), as the rest of the service sees it.
 * Deliberately without the sealed credentials or the webhook token hash: those never leave the repository
 * except through AccountsService.credentialsFor().
 */
export interface Account {
  id: string;
  name: string | null;
  authType: AccountAuthType;
  /** Basic auth's api_id (not a secret on its own); null for OAuth. */
  apiId: string | null;
  status: AccountStatus;
  statusReason: string | null;
  webhookId: string | null;
  webhookActive: boolean | null;
  webhookCheckedAt: Date | null;
  syncCursor: Date | null;
  lastSyncedAt: Date | null;
  disconnectedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
