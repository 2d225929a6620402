import { NotAllowedError } from '../errors/domain-errors';
import { AuthenticatedApiKey } from './authenticated-api-key';

/** Throws NotAllowedError (FORBIDDEN) unless the key may see `accountId`'s rows. */
export function assertAccountAccess(key: AuthenticatedApiKey, accountId: string): void {
  if (!hasAccountAccess(key, accountId)) {
    throw new NotAllowedError(`this API key has no access to account ${accountId}`);
  }
}

export function hasAccountAccess(key: AuthenticatedApiKey, accountId: string): boolean {
  return key.accountIds === null || key.accountIds.includes(String(accountId));
}

/**
 * The account ids a query must be limited to: the requested account (after checking access), else the
 * key's own list, else null (= no limit, only for keys that see every account). Every read query is
 * scoped through this, so a reader limited to account A never sees B's rows.
 */
export function accountScope(key: AuthenticatedApiKey, requestedAccountId?: string | null): string[] | null {
  if (requestedAccountId !== undefined && requestedAccountId !== null) {
    assertAccountAccess(key, requestedAccountId);
    return [String(requestedAccountId)];
  }
  return key.accountIds === null ? null : [...key.accountIds];
}
