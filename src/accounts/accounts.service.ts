import { Injectable } from '@nestjs/common';
import { AircallCredentials } from '../aircall/aircall-credentials';
import { SecretBox } from '../crypto/secret-box';
import { Account, AccountAuthType } from './account';
import { AccountPurgeHooks } from './account-events';
import { AccountNotConnectedError, AccountNotFoundError } from './account-errors';
import { AccountsRepository, Identity, StoredAccount, WebhookRegistration } from './accounts.repository';
import { Database, Queryable } from '../database/database';

/** Prefix of the status reason of an active account whose webhook could not be registered; cleared once it is. */
export const WEBHOOK_MISSING_NOTE = 'webhook not registered: ';

/** Drops the columns that must never leave the accounts module. */
function publicView(stored: StoredAccount): Account {
  const { sealedCredentials: _sealed, webhookTokenHash: _hash, ...account } = stored;
  return account;
}

/**
 * The accounts as the rest of the service uses them: read, decrypt credentials for an Aircall call,
 * record status. Credentials are only ever held in clear for the duration of a request.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly repository: AccountsRepository,
    private readonly secrets: SecretBox,
    private readonly db: Database,
    private readonly purgeHooks: AccountPurgeHooks,
  ) {}

  /** The id of a new account. */
  newId(): string {
    return this.repository.newId();
  }

  async find(accountId: string): Promise<Account | null> {
    const stored = await this.repository.findById(this.db.autocommit, accountId);
    return stored ? publicView(stored) : null;
  }

  async get(accountId: string): Promise<Account> {
    const account = await this.find(accountId);
    if (!account) throw new AccountNotFoundError(accountId);
    return account;
  }

  async list(): Promise<Account[]> {
    return (await this.repository.list()).map(publicView);
  }

  /** Accounts the service syncs: connected and accepted by Aircall at the last call. */
  async activeAccounts(): Promise<Account[]> {
    return (await this.repository.list('active')).map(publicView);
  }

  /** Accounts with a registered webhook that are not disconnected, for the periodic webhook check. */
  async accountsWithWebhook(): Promise<Account[]> {
    return (await this.repository.listWithWebhook()).map(publicView);
  }

  /** The account's credentials in clear, for one Aircall request; throws when it has none (disconnected). */
  async credentialsFor(accountId: string): Promise<AircallCredentials> {
    const stored = await this.repository.findById(this.db.autocommit, accountId);
    if (!stored) throw new AccountNotFoundError(accountId);
    if (!stored.sealedCredentials) throw new AccountNotConnectedError(accountId, stored.status);
    const secret = this.secrets.open(stored.sealedCredentials);
    if (stored.authType === 'basic') return { kind: 'basic', apiId: stored.apiId ?? '', apiToken: secret };
    return { kind: 'oauth', accessToken: secret };
  }

  /**
   * Aircall answered 401/403 for this account: its token was revoked or the app uninstalled. The account stops
   * syncing until an admin connects it again. `reason` is shown to admins: never put a secret in it.
   */
  async markNeedsReauth(accountId: string, reason: string): Promise<void> {
    await this.get(accountId); // unknown account: AccountNotFoundError
    // A disconnected account has no credentials left to re-authorise: it stays disconnected, even when
    // the disconnect lands while the request that got the 401 is still being handled.
    await this.repository.saveNeedsReauth(accountId, reason.slice(0, 512));
  }

  /** A note on an active account (e.g. its webhook could not be registered); null clears it. Other statuses keep their reason. */
  async noteStatusReason(accountId: string, reason: string | null): Promise<void> {
    await this.get(accountId); // unknown account: AccountNotFoundError
    await this.repository.saveActiveReason(accountId, reason === null ? null : reason.slice(0, 512));
  }

  /** Stores a connected account (new or reconnected) with its credentials sealed. */
  async saveConnected(values: {
    id: string;
    aircallCompanyId: string | null;
    name: string | null;
    credentials: AircallCredentials;
  }): Promise<Account> {
    const { credentials } = values;
    const authType: AccountAuthType = credentials.kind === 'basic' ? 'basic' : 'oauth';
    const secret = credentials.kind === 'basic' ? credentials.apiToken : credentials.accessToken;
    await this.repository.saveConnected({
      id: values.id,
      aircallCompanyId: values.aircallCompanyId,
      name: values.name,
      authType,
      apiId: credentials.kind === 'basic' ? credentials.apiId : null,
      sealedCredentials: this.secrets.seal(secret),
    });
    return this.get(values.id);
  }

  /** Aircall ids seen for the account (see AccountIdentity), written with `runner`. */
  async recordIdentities(
    runner: Queryable,
    accountId: string,
    identities: readonly Identity[],
  ): Promise<void> {
    await this.repository.saveIdentities(runner, accountId, identities);
  }

  /** The hash of the account's current webhook token (to keep it when a reused webhook does not reveal its token). */
  async webhookTokenHash(accountId: string): Promise<string | null> {
    return (await this.repository.findById(this.db.autocommit, accountId))?.webhookTokenHash ?? null;
  }

  /** Stores the account's webhook; false (nothing stored) when the account is disconnected by now. */
  async recordWebhook(accountId: string, registration: WebhookRegistration): Promise<boolean> {
    if (!(await this.repository.saveWebhook(accountId, registration))) return false;
    // The webhook is there now: clear the note saying it was missing (and no other reason).
    await this.repository.saveActiveReason(accountId, null, WEBHOOK_MISSING_NOTE);
    return true;
  }

  async clearWebhook(accountId: string): Promise<void> {
    await this.repository.clearWebhook(accountId);
  }

  async recordWebhookHealth(
    accountId: string,
    webhookId: string,
    active: boolean,
    checkedAt?: Date,
  ): Promise<void> {
    await this.repository.saveWebhookHealth(accountId, webhookId, active, checkedAt);
  }

  /** Forgets credentials and webhook, keeps the data; `purge` also deletes every row (and file) of the account. */
  /** Turns archiving of the account's recordings on or off. */
  async setArchiveRecordings(accountId: string, enabled: boolean): Promise<Account> {
    if (!(await this.repository.setArchiveRecordings(accountId, enabled)))
      throw new AccountNotFoundError(accountId);
    return this.get(accountId);
  }

  async forget(accountId: string, purge: boolean): Promise<void> {
    if (purge) {
      await this.purgeHooks.run(accountId);
      await this.repository.purge(accountId);
    } else await this.repository.saveDisconnected(accountId);
  }
}
