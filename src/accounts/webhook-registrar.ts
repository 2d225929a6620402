import { Injectable, Logger } from '@nestjs/common';
import { AircallClient } from '../aircall/aircall-client';
import { AircallCredentials } from '../aircall/aircall-credentials';
import { AircallNotFoundError, AircallRequestError } from '../aircall/aircall-errors';
import { INTEGRATION_DELETED, REQUIRED_EVENTS, subscribedEvents } from '../aircall/aircall-events';
import { AircallWebhook } from '../aircall/aircall-types';
import { Account } from './account';
import { AccountNotConnectedError } from './account-errors';
import { AccountsService } from './accounts.service';
import { AppConfig } from '../config/app-config';
import { sha256Hex } from '../crypto/hashing';

/** The URL Aircall delivers to: `PUBLIC_URL/aircall/webhook`. */
export function webhookUrl(config: AppConfig): string {
  return `${config.PUBLIC_URL.replace(/\/+$/, '')}/aircall/webhook`;
}

/** "Ours" = pointing at this service's URL; Aircall may normalise a trailing slash. */
function isOurs(webhook: AircallWebhook, url: string): boolean {
  return webhook.url.replace(/\/+$/, '') === url;
}

/** True when the webhook delivers every event the service applies (it may deliver more, or fewer extras). */
export function coversRequiredEvents(webhook: AircallWebhook): boolean {
  const events = new Set(webhook.events ?? []);
  // An empty list means "all events" at Aircall (docs/aircall-behaviour.md §9, POST /v1/webhooks).
  return events.size === 0 || REQUIRED_EVENTS.every((event) => events.has(event));
}

/**
 * The event lists to ask for, most complete first. Aircall answers 400 to a list naming an event it
 * does not know (docs/aircall-behaviour.md §9): a newer family unknown to a company's plan or region
 * must not cost it its webhook, so registration falls back to the events the service applies.
 */
export function eventListsFor(authType: 'basic' | 'oauth'): string[][] {
  const uninstall = authType === 'oauth' ? [INTEGRATION_DELETED] : [];
  return [subscribedEvents(authType), [...REQUIRED_EVENTS, ...uninstall], [...REQUIRED_EVENTS]].filter(
    (list, i, lists) => i === lists.findIndex((other) => other.length === list.length),
  );
}

/**
 * Registers the account's webhook at Aircall through the Public API (POST /v1/webhooks,
 * https://developer.aircall.io/docs/setup-webhooks) and keeps exactly one of ours per account.
 * Stores only the SHA-256 of the webhook token: the token itself is Aircall's proof of origin on every
 * delivery (docs/aircall-behaviour.md §1) and must never be readable from the database.
 */
@Injectable()
export class WebhookRegistrar {
  private readonly logger = new Logger(WebhookRegistrar.name);

  constructor(
    private readonly aircall: AircallClient,
    private readonly accounts: AccountsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Idempotent: reuses our webhook when it is active, subscribed to every event and its token is known;
   * otherwise deletes ours and creates a fresh one. Never leaves two of ours behind.
   */
  async register(accountId: string): Promise<Account> {
    const account = await this.accounts.get(accountId);
    const credentials = await this.accounts.credentialsFor(accountId);
    const url = webhookUrl(this.config);
    const ours = (await this.aircall.listWebhooks(credentials)).filter((webhook) => isOurs(webhook, url));

    const candidates = ours
      .filter((webhook) => webhook.active && coversRequiredEvents(webhook))
      .sort(
        (a, b) => Number(b.webhook_id === account.webhookId) - Number(a.webhook_id === account.webhookId),
      );
    let kept: { webhook: AircallWebhook; tokenHash: string } | null = null;
    for (const candidate of candidates) {
      const tokenHash = await this.knownTokenHash(credentials, candidate, account);
      if (tokenHash) {
        kept = { webhook: candidate, tokenHash };
        break;
      }
    }

    for (const webhook of ours) {
      if (webhook.webhook_id !== kept?.webhook.webhook_id)
        await this.deleteQuietly(credentials, webhook.webhook_id);
    }

    if (!kept) {
      const created = await this.withEventLists(account.authType, (events) =>
        this.aircall.createWebhook(credentials, { url, events, customName: 'aircall-sync' }),
      );
      if (!created.token)
        throw new Error(`Aircall created webhook ${created.webhook_id} without returning its token`);
      kept = { webhook: created, tokenHash: sha256Hex(created.token) };
      this.logger.log({ msg: 'webhook created', accountId, webhookId: created.webhook_id });
    }

    const recorded = await this.accounts.recordWebhook(accountId, {
      webhookId: kept.webhook.webhook_id,
      tokenHash: kept.tokenHash,
      active: true,
    });
    if (!recorded) {
      // Disconnected while this ran: the disconnect removed our webhooks at Aircall before this one was
      // made or kept, so remove it too, with the credentials still in hand, and store nothing.
      try {
        await this.deleteQuietly(credentials, kept.webhook.webhook_id);
      } catch (error) {
        this.logger.warn({
          msg: 'webhook of a disconnected account left at Aircall (its deliveries are refused)',
          accountId,
          webhookId: kept.webhook.webhook_id,
          error: String(error),
        });
      }
      throw new AccountNotConnectedError(accountId);
    }
    return this.accounts.get(accountId);
  }

  /**
   * Makes a webhook of ours deliver what the service needs (an older one may still list the
   * deprecated V1 user events): re-sends its events, active. Returns Aircall's answer.
   */
  async updateEvents(accountId: string, webhookId: string): Promise<AircallWebhook> {
    const account = await this.accounts.get(accountId);
    const credentials = await this.accounts.credentialsFor(accountId);
    return this.withEventLists(account.authType, (events) =>
      this.aircall.updateWebhook(credentials, webhookId, { active: true, events }),
    );
  }

  /** Runs `send` with the most complete event list Aircall accepts (see eventListsFor). */
  private async withEventLists(
    authType: 'basic' | 'oauth',
    send: (events: string[]) => Promise<AircallWebhook>,
  ): Promise<AircallWebhook> {
    const lists = eventListsFor(authType);
    for (let i = 0; ; i++) {
      try {
        return await send(lists[i]);
      } catch (error) {
        if (!(error instanceof AircallRequestError) || error.status !== 400 || i === lists.length - 1)
          throw error;
        this.logger.warn({
          msg: 'Aircall refused the webhook event list; asking for fewer events',
          events: lists[i].length,
          error: error.message,
          troubleshoot: error.troubleshoot,
        });
      }
    }
  }

  /** Deletes our webhook(s) at Aircall and clears the account's webhook columns. */
  async unregister(accountId: string): Promise<Account> {
    const account = await this.accounts.get(accountId);
    const credentials = await this.accounts.credentialsFor(accountId);
    const url = webhookUrl(this.config);
    const ids = new Set<string>();
    if (account.webhookId) ids.add(account.webhookId);
    for (const webhook of await this.aircall.listWebhooks(credentials))
      if (isOurs(webhook, url)) ids.add(webhook.webhook_id);
    for (const id of ids) await this.deleteQuietly(credentials, id);
    await this.accounts.clearWebhook(accountId);
    return this.accounts.get(accountId);
  }

  /**
   * The token hash of a webhook we may keep. GET /v1/webhooks/:id returns the token (docs/aircall-behaviour.md §9);
   * when it does not, the hash we already hold is only trusted for the webhook we registered ourselves.
   */
  private async knownTokenHash(
    credentials: AircallCredentials,
    webhook: AircallWebhook,
    account: Account,
  ): Promise<string | null> {
    let token = webhook.token;
    if (!token) {
      try {
        token = (await this.aircall.getWebhook(credentials, webhook.webhook_id)).token;
      } catch (error) {
        if (!(error instanceof AircallNotFoundError)) throw error;
        return null;
      }
    }
    if (token) return sha256Hex(token);
    return webhook.webhook_id === account.webhookId ? this.accounts.webhookTokenHash(account.id) : null;
  }

  private async deleteQuietly(credentials: AircallCredentials, webhookId: string): Promise<void> {
    try {
      await this.aircall.deleteWebhook(credentials, webhookId);
      this.logger.log({ msg: 'webhook deleted', webhookId });
    } catch (error) {
      // Already gone is the outcome we wanted.
      if (!(error instanceof AircallNotFoundError)) throw error;
    }
  }
}
