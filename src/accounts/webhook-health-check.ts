import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AircallClient } from '../aircall/aircall-client';
import { AircallAuthError, AircallNotFoundError } from '../aircall/aircall-errors';
import { Account } from './account';
import { AccountLifecycle } from './account-events';
import { AccountsService } from './accounts.service';
import { AppConfig } from '../config/app-config';
import { LeaseService } from '../leases/lease.service';
import { coversRequiredEvents, WebhookRegistrar } from './webhook-registrar';

const LEASE = 'webhook-health-check';

export type WebhookCheckResult =
  'healthy' | 'upgraded' | 'reactivated' | 'recreated' | 'needs_reauth' | 'failed';

/**
 * Aircall deactivates a webhook after repeated delivery failures and only re-enables it on a later success
 * (docs/aircall-behaviour.md §1, "Retries and deactivation"; https://developer.aircall.io/api-references/).
 * This periodic check (WEBHOOK_CHECK_CRON, one instance at a time through a lease) finds such webhooks,
 * re-activates them (PUT /v1/webhooks/:id active=true, §9) or registers a new one when Aircall deleted it, and
 * asks the sync to cover the gap since the webhook was last known healthy.
 */
@Injectable()
export class WebhookHealthCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookHealthCheck.name);
  private running: Promise<Map<string, WebhookCheckResult>> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly aircall: AircallClient,
    private readonly accounts: AccountsService,
    private readonly registrar: WebhookRegistrar,
    private readonly lifecycle: AccountLifecycle,
    private readonly lease: LeaseService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.WEBHOOK_CHECK_CRON === 'off') return;
    const job = CronJob.from({
      cronTime: this.config.WEBHOOK_CHECK_CRON,
      onTick: () => {
        void this.runOnce().catch((error: unknown) =>
          this.logger.error({
            msg: 'webhook check failed',
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      },
      start: false,
      timeZone: 'UTC',
    });
    this.scheduler.addCronJob(LEASE, job);
    job.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('cron', LEASE)) this.scheduler.deleteCronJob(LEASE);
    await this.running?.catch(() => undefined);
  }

  /**
   * Checks every account with a webhook, unless another instance holds the lease (then returns null).
   * Overlapping calls in one process share the run in progress.
   */
  async runOnce(): Promise<Map<string, WebhookCheckResult> | null> {
    if (this.running) return this.running;
    if (!(await this.lease.acquire(LEASE, this.config.WEBHOOK_CHECK_LEASE_TTL_MS))) return null;
    this.running = this.checkAll().finally(async () => {
      this.running = null;
      await this.lease.release(LEASE);
    });
    return this.running;
  }

  private async checkAll(): Promise<Map<string, WebhookCheckResult>> {
    const results = new Map<string, WebhookCheckResult>();
    for (const account of await this.accounts.accountsWithWebhook()) {
      if (account.status !== 'active') continue;
      results.set(account.id, await this.check(account));
      // Extend the lease as the run goes, so a long run is never taken over halfway.
      await this.lease.acquire(LEASE, this.config.WEBHOOK_CHECK_LEASE_TTL_MS);
    }
    return results;
  }

  async check(account: Account): Promise<WebhookCheckResult> {
    const webhookId = account.webhookId!;
    // The last moment deliveries are known to have worked; events after it may never have arrived.
    const gapFrom = account.webhookCheckedAt ?? account.updatedAt;
    try {
      const credentials = await this.accounts.credentialsFor(account.id);
      let webhook;
      try {
        webhook = await this.aircall.getWebhook(credentials, webhookId);
      } catch (error) {
        if (!(error instanceof AircallNotFoundError)) throw error;
        webhook = null;
      }
      if (webhook?.active && coversRequiredEvents(webhook)) {
        await this.accounts.recordWebhookHealth(account.id, webhookId, true);
        return 'healthy';
      }
      if (webhook?.active) {
        // Registered by an earlier version (the deprecated V1 user events): ask for today's list.
        await this.registrar.updateEvents(account.id, webhookId);
        await this.accounts.recordWebhookHealth(account.id, webhookId, true);
        this.logger.log({ msg: 'webhook events updated', accountId: account.id, webhookId });
        return 'upgraded';
      }
      if (webhook) {
        await this.accounts.recordWebhookHealth(account.id, webhookId, false);
        const updated = coversRequiredEvents(webhook)
          ? await this.aircall.updateWebhook(credentials, webhookId, { active: true })
          : await this.registrar.updateEvents(account.id, webhookId);
        if (updated.active) {
          await this.accounts.recordWebhookHealth(account.id, webhookId, true);
          this.logger.warn({
            msg: 'webhook was deactivated by Aircall; re-activated',
            accountId: account.id,
            webhookId,
          });
          this.lifecycle.emit('webhookRepaired', account.id, gapFrom);
          return 'reactivated';
        }
      }
      // Deleted at Aircall, or it would not come back to life: register a fresh one (the registrar removes the old).
      await this.registrar.register(account.id);
      this.logger.warn({
        msg: 'webhook was deleted or stuck inactive at Aircall; registered a new one',
        accountId: account.id,
      });
      this.lifecycle.emit('webhookRepaired', account.id, gapFrom);
      return 'recreated';
    } catch (error) {
      if (error instanceof AircallAuthError) {
        await this.accounts.markNeedsReauth(
          account.id,
          `Aircall refused the credentials (HTTP ${error.status ?? 401}); connect the account again`,
        );
        return 'needs_reauth';
      }
      this.logger.error({
        msg: 'webhook check failed for account',
        accountId: account.id,
        error: error instanceof Error ? error.message : String(error),
      });
      return 'failed';
    }
  }
}
