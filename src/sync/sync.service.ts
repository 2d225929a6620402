import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AccountNotConnectedError } from '../accounts/account-errors';
import { AccountsService } from '../accounts/accounts.service';
import { AircallAuthError, AircallNotFoundError, AircallRequestError } from '../aircall/aircall-errors';
import { AppConfig } from '../config/app-config';
import { Database, Queryable } from '../database/database';
import { LeaseService } from '../leases/lease.service';
import { MetricsService } from '../metrics/metrics.service';
import { windowCovering } from './call-window';
import { initialCheckpoint } from './sync-checkpoint';
import { RunControl, SyncHooks, SyncStopped } from './sync-control';
import { InvalidSyncWindowError } from './sync-errors';
import { SyncKind, SyncRun } from './sync-run';
import { SyncRunExecutor } from './sync-run-executor';
import { SyncRunsRepository } from './sync-runs.repository';

/** Lease name of an account's sync (one instance at a time per account). */
export const SYNC_LEASE = 'sync';
/** Service-wide lease of the scheduled tick that queues every account's incremental sync. */
const TICK_LEASE = 'sync-tick';
const DAY_MS = 86_400_000;
/** How long shutdown waits for runs to reach a page boundary before leaving them to the next instance. */
const SHUTDOWN_WAIT_MS = 15_000;
/** How far ahead of this instance's clock a window may end (another instance's clock may run ahead). */
const CLOCK_SKEW_MS = 60_000;

class InstanceRunControl implements RunControl {
  stopReason: string | null = null;

  constructor(
    private readonly lease: LeaseService,
    private readonly accountId: string,
    private readonly ttlMs: number,
    readonly hooks: SyncHooks,
  ) {}

  check(): void {
    if (this.stopReason) throw new SyncStopped(this.stopReason);
  }

  async fence(runner: Queryable): Promise<void> {
    this.check();
    if (!(await this.lease.renew(runner, SYNC_LEASE, this.ttlMs, this.accountId))) {
      this.stopReason = 'lost the sync lease to another instance';
      this.check();
    }
  }
}

/**
 * The batch sync of accounts: each sync is a `sync_runs` row (queued → running → succeeded | failed)
 * executed under the account's lease, so with any number of instances one account's sync runs once at a
 * time, and whoever holds the lease next resumes a run left running or takes over a failed run's windows.
 */
@Injectable()
export class SyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncService.name);
  /** Test and diagnostic hooks (see SyncHooks). */
  readonly hooks: SyncHooks = {};
  private readonly drives = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly controls = new Set<InstanceRunControl>();
  /** Triggers still creating their run row (whenIdle waits for them too). */
  private readonly starting = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly accounts: AccountsService,
    private readonly runs: SyncRunsRepository,
    private readonly executor: SyncRunExecutor,
    private readonly lease: LeaseService,
    private readonly metrics: MetricsService,
    private readonly db: Database,
  ) {}

  /**
   * At start, before any run resumes: runs whose window cannot be fetched (queued by a version that
   * accepted any date) are closed as failed and never taken over, so they cannot fail every later run.
   */
  async repairInvalidRuns(): Promise<number> {
    const repaired = await this.runs.closeInvalid();
    if (repaired > 0)
      this.logger.warn({ msg: 'closed sync runs whose window is not a valid time range', runs: repaired });
    return repaired;
  }

  /**
   * Queues a sync of the account over [from, to] and starts it in the background; returns the queued row.
   * Defaults: backfill/manual from the cursor (or BACKFILL_DAYS ago), incremental from the cursor minus
   * SYNC_RECONCILE_DAYS (late tags, comments, archives and edits of older calls), up to now.
   */
  async trigger(
    accountId: string,
    kind: SyncKind,
    window: { from?: Date | null; to?: Date | null } = {},
  ): Promise<SyncRun> {
    const starting = this.queue(accountId, kind, window);
    this.starting.add(starting);
    try {
      return await starting;
    } finally {
      this.starting.delete(starting);
    }
  }

  private async queue(
    accountId: string,
    kind: SyncKind,
    window: { from?: Date | null; to?: Date | null },
  ): Promise<SyncRun> {
    const account = await this.accounts.get(accountId);
    // No credentials to sync with: disconnected by an admin, or the app uninstalled at Aircall.
    if (account.status === 'disconnected' || account.status === 'uninstalled')
      throw new AccountNotConnectedError(accountId, account.status);
    const now = new Date();
    const to = window.to ?? now;
    const backfillFrom = new Date(now.getTime() - this.config.BACKFILL_DAYS * DAY_MS);
    let from = window.from ?? null;
    if (!from) {
      if (kind === 'backfill') from = backfillFrom;
      else if (kind === 'incremental')
        from = account.syncCursor
          ? new Date(account.syncCursor.getTime() - this.config.SYNC_RECONCILE_DAYS * DAY_MS)
          : backfillFrom;
      else from = account.syncCursor ?? backfillFrom;
    }
    // Checked before anything is queued: a window Aircall cannot serve would only fail, and a window
    // ending in the future would move the sync cursor past calls that have not happened yet.
    if (to.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw new InvalidSyncWindowError('must not be in the future', 'to');
    if (from.getTime() >= to.getTime())
      throw new InvalidSyncWindowError(
        window.from
          ? 'must be before to'
          : `must be given: the default start (${from.toISOString()}) is not before to`,
      );
    const run = await this.runs.create({
      accountId,
      kind,
      windowFrom: from,
      windowTo: to,
      checkpoint: initialCheckpoint(windowCovering(from, to)),
    });
    this.kick(accountId);
    return run;
  }

  /** The scheduled tick: an incremental sync of every active account (one instance ticks at a time). */
  async syncActiveAccounts(): Promise<void> {
    if (this.stopping) return;
    const ttl = this.config.SYNC_LEASE_TTL_MS;
    if (!(await this.lease.acquire(TICK_LEASE, ttl))) return;
    try {
      for (const account of await this.accounts.activeAccounts()) {
        // An account still syncing (slow backfill) gets no second run piled up behind it.
        if (await this.runs.hasUnfinishedRun(account.id)) this.kick(account.id);
        else await this.trigger(account.id, 'incremental');
      }
    } finally {
      await this.lease.release(TICK_LEASE);
    }
  }

  /** Picks up runs left queued or running (after a restart, or by an instance that died). */
  async resumeUnfinished(): Promise<void> {
    await this.repairInvalidRuns();
    for (const accountId of await this.runs.accountsWithUnfinishedRuns()) this.kick(accountId);
  }

  /** The run's current state (status, counters, error). */
  runStatus(accountId: string, runId: string): Promise<SyncRun | null> {
    return this.runs.get(accountId, runId);
  }

  /** Resolves once this instance has no sync running (for tests and orderly shutdown). */
  async whenIdle(): Promise<void> {
    while (this.drives.size > 0 || this.starting.size > 0)
      await Promise.allSettled([...this.drives.values(), ...this.starting.values()]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    for (const control of this.controls) control.stopReason = 'the service is shutting down';
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.whenIdle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Runs the account's pending runs now, unless this instance is on it already (then once more after). */
  private kick(accountId: string): void {
    if (this.stopping) return;
    if (this.drives.has(accountId)) {
      this.again.add(accountId);
      return;
    }
    const drive = this.drive(accountId)
      .catch((error: unknown) => this.logger.error({ msg: 'sync failed', accountId, error: describe(error) }))
      .finally(() => {
        this.drives.delete(accountId);
        if (this.again.delete(accountId)) this.kick(accountId);
      });
    this.drives.set(accountId, drive);
  }

  private async drive(accountId: string): Promise<void> {
    const ttl = this.config.SYNC_LEASE_TTL_MS;
    if (!(await this.lease.acquire(SYNC_LEASE, ttl, accountId))) {
      this.retryLater(accountId);
      return;
    }
    const control = new InstanceRunControl(this.lease, accountId, ttl, this.hooks);
    this.controls.add(control);
    let current: SyncRun | null = null;
    // Renewed on a timer too: a page can wait a long time for Aircall's rate budget.
    const heartbeat = setInterval(
      () => {
        void (async () => {
          if (!(await this.lease.renew(this.db.autocommit, SYNC_LEASE, ttl, accountId)))
            control.stopReason ??= 'lost the sync lease to another instance';
          else if (current) await this.runs.heartbeat(current);
        })().catch((error: unknown) =>
          this.logger.warn({ msg: 'sync heartbeat failed', accountId, error: describe(error) }),
        );
      },
      Math.max(100, Math.floor(ttl / 3)),
    );
    try {
      for (;;) {
        if (this.stopping || control.stopReason) return;
        current = await this.runs.nextRunnable(accountId);
        if (!current) return;
        if (!(await this.execute(current, control))) return;
      }
    } finally {
      clearInterval(heartbeat);
      this.controls.delete(control);
      if (!control.stopReason?.startsWith('lost')) await this.lease.release(SYNC_LEASE, accountId);
    }
  }

  /** Executes one run and records its outcome; false when the account's queue must stop here. */
  private async execute(run: SyncRun, control: InstanceRunControl): Promise<boolean> {
    try {
      await this.executor.execute(run, control);
      this.count('succeeded');
      this.logger.log({
        msg: 'sync succeeded',
        accountId: run.accountId,
        runId: run.id,
        kind: run.kind,
        requests: run.requestsMade,
        calls: run.callsWritten,
      });
      return true;
    } catch (error) {
      if (error instanceof SyncStopped) {
        this.count('stopped');
        this.logger.warn({
          msg: 'sync stopped; it resumes from its checkpoint',
          accountId: run.accountId,
          runId: run.id,
          reason: error.message,
        });
        return false;
      }
      if (error instanceof AircallAuthError) {
        const reason = `Aircall refused the credentials (HTTP ${error.status ?? 401}); connect the account again`;
        await this.accounts.markNeedsReauth(run.accountId, reason);
        await this.runs.finish(run, 'failed', reason);
        await this.runs.failQueued(run.accountId, reason);
        this.count('credentials_refused');
        this.logger.warn({
          msg: 'sync failed: credentials refused, account needs re-authorisation',
          accountId: run.accountId,
          runId: run.id,
        });
        return false;
      }
      if (isUnrecoverable(error)) {
        // Retrying the same request gets the same answer: the run is closed for good and the account's
        // next runs start from its cursor instead of resuming this one's windows.
        const reason = unrecoverableReason(error);
        run.checkpoint = run.checkpoint ? { ...run.checkpoint, resumable: false } : null;
        await this.runs.finish(run, 'failed', reason);
        this.count('refused');
        this.logger.warn({
          msg: 'sync failed for a reason retrying cannot fix; later runs start from the cursor',
          accountId: run.accountId,
          runId: run.id,
          error: reason,
        });
        return true;
      }
      const reason = describe(error);
      await this.runs.finish(run, 'failed', reason);
      this.count('failed');
      this.logger.error({
        msg: 'sync failed; the next run resumes from its checkpoint',
        accountId: run.accountId,
        runId: run.id,
        error: reason,
      });
      return false;
    }
  }

  private count(outcome: string): void {
    this.metrics.inc('aircall_sync_runs_finished_total', 'Sync runs ended on this instance, by outcome', {
      outcome,
    });
  }

  /** Another instance holds the account's lease: look again later while runs are still waiting. */
  private retryLater(accountId: string): void {
    if (this.stopping || this.retries.has(accountId)) return;
    const delay = Math.min(5_000, Math.max(100, Math.floor(this.config.SYNC_LEASE_TTL_MS / 2)));
    const timer = setTimeout(() => {
      this.retries.delete(accountId);
      void this.runs
        .hasUnfinishedRun(accountId)
        .then((waiting) => waiting && this.kick(accountId))
        .catch((error: unknown) =>
          this.logger.warn({ msg: 'sync retry failed', accountId, error: describe(error) }),
        );
    }, delay);
    timer.unref();
    this.retries.set(accountId, timer);
  }
}

/** Aircall refused the request itself (a 4xx other than 401/403/429), or the run's window is invalid. */
function isUnrecoverable(error: unknown): boolean {
  return (
    error instanceof AircallRequestError ||
    error instanceof AircallNotFoundError ||
    error instanceof InvalidSyncWindowError
  );
}

/** The run's error: the request and status, and Aircall's own explanation (`troubleshoot`) when given. */
function unrecoverableReason(error: unknown): string {
  const base = describe(error);
  if (error instanceof AircallRequestError && error.troubleshoot && !base.includes(error.troubleshoot))
    return `${base}. Aircall: ${error.troubleshoot}`;
  return base;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
