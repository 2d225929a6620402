/** How the service authenticates to Aircall for an account (docs/aircall-behaviour.md §8). */
export type AccountAuthType = 'oauth' | 'basic';
/**
 * active: synced; needs_reauth: Aircall answered 401, an admin must reconnect; uninstalled: the OAuth
 * app was uninstalled in Aircall (integration.deleted), a new install resumes it; disconnected:
 * credentials forgotten by an admin.
 */
export type AccountStatus = 'active' | 'needs_reauth' | 'uninstalled' | 'disconnected';

/**
 * One connected Aircall company, as the rest of the service sees it. Its id is the service's own:
 * Aircall names the company only to OAuth installs (`aircallCompanyId`); how a connection is matched
 * to an existing account is AccountIdentity's job (account-identity.ts).
 * Deliberately without the sealed credentials or the webhook token hash: those never leave the repository
 * except through AccountsService.credentialsFor().
 */
export interface Account {
  id: string;
  /** Aircall's company id, once an OAuth install told it (API keys never do); null otherwise. */
  aircallCompanyId: string | null;
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
  /** Whether its recordings and voicemails are archived when RECORDINGS=archive (default true). */
  archiveRecordings: boolean;
  createdAt: Date;
  updatedAt: Date;
}
