import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AccountLifecycle } from '../accounts/account-events';
import { AppConfig } from '../config/app-config';
import { SyncKind } from './sync-run';
import { SyncService } from './sync.service';

const CRON_JOB = 'sync';
/** A repair re-reads a little before the gap began: the last deliveries before it may have been lost too. */
const REPAIR_MARGIN_MS = 5 * 60_000;

/** The sync a connection starts: a company connected again keeps its history and syncs from its cursor. */
export function syncKindAfterConnect(reconnected: boolean): SyncKind {
  return reconnected ? 'incremental' : 'backfill';
}

/**
 * When syncs start: every SYNC_CRON tick (incremental, all active accounts; registered through the
 * SchedulerRegistry so `SYNC_CRON=off` leaves it out), when an account is connected (backfill of
 * BACKFILL_DAYS), when its webhook was repaired (repair over the gap), and at start-up for runs a previous
 * process left unfinished.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncScheduler.name);
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly lifecycle: AccountLifecycle,
    private readonly sync: SyncService,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe.push(
      this.lifecycle.on('connected', (accountId, reconnected) =>
        this.sync.trigger(accountId, syncKindAfterConnect(reconnected)),
      ),
      this.lifecycle.on('webhookRepaired', (accountId, gapFrom) =>
        this.sync.trigger(accountId, 'repair', { from: new Date(gapFrom.getTime() - REPAIR_MARGIN_MS) }),
      ),
    );
    void this.sync
      .resumeUnfinished()
      .catch((error: unknown) => this.report('resuming unfinished syncs failed', error));
    if (this.config.SYNC_CRON === 'off') return;
    const job = CronJob.from({
      cronTime: this.config.SYNC_CRON,
      onTick: () =>
        void this.sync
          .syncActiveAccounts()
          .catch((error: unknown) => this.report('scheduled sync failed', error)),
      start: false,
      timeZone: 'UTC',
    });
    this.scheduler.addCronJob(CRON_JOB, job);
    job.start();
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.scheduler.doesExist('cron', CRON_JOB)) this.scheduler.deleteCronJob(CRON_JOB);
  }

  private report(msg: string, error: unknown): void {
    this.logger.error({ msg, error: error instanceof Error ? error.message : String(error) });
  }
}
