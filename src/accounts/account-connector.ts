import { Injectable, Logger } from '@nestjs/common';
import { AircallClient } from '../aircall/aircall-client';
import { AircallCredentials } from '../aircall/aircall-credentials';
import { AircallAuthError, AircallNotFoundError } from '../aircall/aircall-errors';
import { WebhookRegistrar } from '../webhooks/webhook-registrar';
import { Account } from './account';
import {
  AccountNotConnectedError,
  InvalidAircallCredentialsError,
  UnidentifiedCompanyError,
} from './account-errors';
import { AccountLifecycle } from './account-events';
import { AccountsService, WEBHOOK_MISSING_NOTE } from './accounts.service';

export interface ConnectOutcome {
  account: Account;
  /** Set when the account was stored but its webhook could not be registered (retry with registerWebhook). */
  webhookError: string | null;
}

/**
 * Connecting and disconnecting accounts: identify the company behind the credentials at Aircall before
 * anything is stored, store it with sealed credentials, register its webhook, announce it for the backfill.
 */
@Injectable()
export class AccountConnector {
  private readonly logger = new Logger(AccountConnector.name);

  constructor(
    private readonly aircall: AircallClient,
    private readonly accounts: AccountsService,
    private readonly registrar: WebhookRegistrar,
    private readonly lifecycle: AccountLifecycle,
  ) {}

  /**
   * A customer's own account through an API key pair (Basic auth, docs/aircall-behaviour.md §8).
   * GET /v1/company both proves the pair and names the company; /v1/integrations/me is OAuth-only.
   */
  async connectBasic(apiId: string, apiToken: string): Promise<ConnectOutcome> {
    const credentials: AircallCredentials = { kind: 'basic', apiId: apiId.trim(), apiToken: apiToken.trim() };
    if (!credentials.apiId || !credentials.apiToken)
      throw new InvalidAircallCredentialsError('apiId and apiToken are both required');
    const company = await this.identify(() => this.aircall.getCompany(credentials));
    if (company.id === undefined || company.id === null)
      throw new UnidentifiedCompanyError('GET /v1/company');
    return this.connect(String(company.id), company.name ?? null, credentials);
  }

  /**
   * A Technology Partner install: the OAuth access token identifies the company through
   * GET /v1/integrations/me (company_id = accounts.id, docs/aircall-behaviour.md §8).
   */
  async connectOAuth(accessToken: string): Promise<ConnectOutcome> {
    const credentials: AircallCredentials = { kind: 'oauth', accessToken };
    const integration = await this.identify(() => this.aircall.getIntegration(credentials));
    if (integration.company_id === undefined || integration.company_id === null)
      throw new UnidentifiedCompanyError('GET /v1/integrations/me');
    let name = integration.company_name ?? null;
    if (!name) name = await this.companyName(credentials);
    return this.connect(String(integration.company_id), name, credentials);
  }

  /**
   * Unregisters the webhook (best effort when Aircall already refuses the credentials: with a revoked key or an
   * uninstalled app nothing can be deleted any more, and the admin must still be able to disconnect), forgets the credentials and marks the
   * account disconnected. The synced data stays unless `purge`, which deletes every row of the account.
   */
  async disconnect(accountId: string, purge: boolean): Promise<Account> {
    const account = await this.accounts.get(accountId);
    if (account.status !== 'disconnected') {
      try {
        await this.registrar.unregister(accountId);
      } catch (error) {
        if (!(error instanceof AircallAuthError) && !(error instanceof AccountNotConnectedError)) throw error;
        this.logger.warn({ msg: 'webhook not unregistered: Aircall refused the credentials', accountId });
      }
    }
    const now = new Date();
    await this.accounts.forget(accountId, purge);
    this.logger.log({ msg: purge ? 'account disconnected and purged' : 'account disconnected', accountId });
    if (!purge) return this.accounts.get(accountId);
    // The row is gone: answer with its last state, as disconnected.
    return {
      ...account,
      status: 'disconnected',
      statusReason: null,
      webhookId: null,
      webhookActive: null,
      disconnectedAt: now,
      updatedAt: now,
    };
  }

  private async connect(
    id: string,
    name: string | null,
    credentials: AircallCredentials,
  ): Promise<ConnectOutcome> {
    await this.accounts.saveConnected({ id, name, credentials });
    let webhookError: string | null = null;
    try {
      await this.registrar.register(id);
    } catch (error) {
      webhookError = error instanceof Error ? error.message : String(error);
      await this.accounts.noteStatusReason(id, `${WEBHOOK_MISSING_NOTE}${webhookError}`);
      this.logger.error({ msg: 'webhook registration failed', accountId: id, error: webhookError });
    }
    this.logger.log({ msg: 'account connected', accountId: id, authType: credentials.kind });
    this.lifecycle.emit('connected', id);
    return { account: await this.accounts.get(id), webhookError };
  }

  /** Runs the identifying request; a 401/403 (or a 404 for an unknown integration) means the credentials are wrong. */
  private async identify<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof AircallAuthError || error instanceof AircallNotFoundError)
        throw new InvalidAircallCredentialsError();
      throw error;
    }
  }

  private async companyName(credentials: AircallCredentials): Promise<string | null> {
    try {
      return (await this.aircall.getCompany(credentials)).name ?? null;
    } catch {
      // The name is cosmetic; the install must not fail for it.
      return null;
    }
  }
}
