import { Injectable, Logger } from '@nestjs/common';
import { AircallClient } from '../aircall/aircall-client';
import { AircallCredentials, credentialsKey } from '../aircall/aircall-credentials';
import { AircallAuthError, AircallNotFoundError } from '../aircall/aircall-errors';
import { AircallIntegration } from '../aircall/aircall-types';
import { LeaseService } from '../leases/lease.service';
import { WebhookRegistrar } from './webhook-registrar';
import { Account } from './account';
import {
  AccountNotConnectedError,
  InvalidAircallCredentialsError,
  UnidentifiedCompanyError,
} from './account-errors';
import { AccountLifecycle } from './account-events';
import { AccountIdentity, CompanyEvidence } from './account-identity';
import { AccountsService, WEBHOOK_MISSING_NOTE } from './accounts.service';

export interface ConnectOutcome {
  account: Account;
  /** True when the connection landed on an account that existed already (same company). */
  reconnected: boolean;
  /** Set when the account was stored but its webhook could not be registered (retry with registerWebhook). */
  webhookError: string | null;
}

/** Service-wide lease serialising connections: two at once could both find no account of their company. */
const CONNECT_LEASE = 'connect';
const CONNECT_LEASE_TTL_MS = 60_000;
const CONNECT_WAIT_MS = 30_000;

/**
 * Connecting and disconnecting accounts: check the credentials at Aircall and find which company they
 * belong to before anything is stored (AccountIdentity), store them sealed on that company's account
 * (a new one, or the existing one when the same company connects again), register its webhook, and
 * announce it to the sync.
 */
@Injectable()
export class AccountConnector {
  private readonly logger = new Logger(AccountConnector.name);
  /** Connections of this process, one after another (the lease orders them between instances). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly aircall: AircallClient,
    private readonly accounts: AccountsService,
    private readonly identity: AccountIdentity,
    private readonly registrar: WebhookRegistrar,
    private readonly lifecycle: AccountLifecycle,
    private readonly lease: LeaseService,
  ) {}

  /**
   * A customer's own account through an API key pair (Basic auth, docs/aircall-behaviour.md §8).
   * GET /v1/company proves the pair and names the company (it carries no company id).
   */
  async connectBasic(apiId: string, apiToken: string): Promise<ConnectOutcome> {
    const credentials: AircallCredentials = { kind: 'basic', apiId: apiId.trim(), apiToken: apiToken.trim() };
    if (!credentials.apiId || !credentials.apiToken)
      throw new InvalidAircallCredentialsError('apiId and apiToken are both required');
    const company = await this.identify(() => this.aircall.getCompany(credentials));
    const evidence = await this.identity.gather(credentials);
    return this.connect(company.name ?? null, credentials, evidence);
  }

  /**
   * A Technology Partner install: the OAuth access token names the company through
   * GET /v1/integrations/me (company_id, docs/aircall-behaviour.md §8).
   */
  async connectOAuth(accessToken: string): Promise<ConnectOutcome> {
    const credentials: AircallCredentials = { kind: 'oauth', accessToken };
    const integration: AircallIntegration = await this.identify(() =>
      this.aircall.getIntegration(credentials),
    );
    if (integration.company_id === undefined || integration.company_id === null)
      throw new UnidentifiedCompanyError('GET /v1/integrations/me');
    const name = integration.company_name ?? (await this.companyName(credentials));
    const evidence = await this.identity.gather(credentials, integration);
    return this.connect(name, credentials, evidence);
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

  private connect(
    name: string | null,
    credentials: AircallCredentials,
    evidence: CompanyEvidence,
  ): Promise<ConnectOutcome> {
    const run = this.queue.then(() => this.exclusively(() => this.store(name, credentials, evidence)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async store(
    name: string | null,
    credentials: AircallCredentials,
    evidence: CompanyEvidence,
  ): Promise<ConnectOutcome> {
    const existing = await this.identity.match(evidence);
    if (existing) await this.retireWebhook(existing, credentials);
    const id = existing?.id ?? this.accounts.newId();
    await this.accounts.saveConnected({ id, aircallCompanyId: evidence.companyId, name, credentials });
    await this.identity.remember(id, evidence);
    let webhookError: string | null = null;
    try {
      await this.registrar.register(id);
    } catch (error) {
      webhookError = error instanceof Error ? error.message : String(error);
      await this.accounts.noteStatusReason(id, `${WEBHOOK_MISSING_NOTE}${webhookError}`);
      this.logger.error({ msg: 'webhook registration failed', accountId: id, error: webhookError });
    }
    const reconnected = existing !== null;
    this.logger.log({ msg: 'account connected', accountId: id, authType: credentials.kind, reconnected });
    this.lifecycle.emit('connected', id, reconnected);
    return { account: await this.accounts.get(id), reconnected, webhookError };
  }

  /**
   * The company connects again with other credentials: its webhook was made with the old ones, which
   * the new ones may not see (an OAuth token sees only its own webhooks), so the old credentials remove
   * it while they still can. Best effort: a revoked key can delete nothing, and the new webhook's token
   * replaces the old one's anyway.
   */
  private async retireWebhook(existing: Account, credentials: AircallCredentials): Promise<void> {
    if (!existing.webhookId) return;
    let previous: AircallCredentials;
    try {
      previous = await this.accounts.credentialsFor(existing.id);
    } catch (error) {
      if (error instanceof AccountNotConnectedError) return;
      throw error;
    }
    if (credentialsKey(previous) === credentialsKey(credentials)) return;
    try {
      await this.aircall.deleteWebhook(previous, existing.webhookId);
    } catch (error) {
      if (error instanceof AircallNotFoundError) return;
      this.logger.warn({
        msg: 'the webhook made with the previous credentials could not be removed',
        accountId: existing.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Runs `work` holding the service-wide connect lease, waiting for it while another instance connects. */
  private async exclusively<T>(work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + CONNECT_WAIT_MS;
    while (!(await this.lease.acquire(CONNECT_LEASE, CONNECT_LEASE_TTL_MS))) {
      if (Date.now() > deadline) throw new Error('another connection is in progress; try again in a moment');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      return await work();
    } finally {
      await this.lease.release(CONNECT_LEASE);
    }
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
