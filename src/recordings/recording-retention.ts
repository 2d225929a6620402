import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AccountPurgeHooks } from '../accounts/account-events';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { ObjectStorage } from '../storage/object-storage';
import { CallMediaRepository } from './call-media.repository';
import { accountPrefix } from './media-key';
import { RECORDING_STORAGE } from './recording-storage';

const DAY_MS = 86_400_000;
/** How often the retention rule is applied, and how many files one pass deletes at most. */
const SWEEP_EVERY_MS = 3_600_000;
const SWEEP_BATCH = 500;

/**
 * Deletes what must not be kept: files of calls older than RECORDINGS_RETENTION_DAYS (hourly, and
 * once at start), and every file of an account purged by `disconnectAccount(purge: true)` — before
 * its rows go, through AccountPurgeHooks, so a storage that fails stops the purge instead of
 * leaving files nobody knows of.
 */
@Injectable()
export class RecordingRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecordingRetention.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly media: CallMediaRepository,
    private readonly db: Database,
    @Inject(RECORDING_STORAGE) private readonly storage: ObjectStorage,
    purgeHooks: AccountPurgeHooks,
  ) {
    purgeHooks.register((accountId) => this.purgeAccount(accountId));
  }

  onApplicationBootstrap(): void {
    if (this.config.RECORDINGS_RETENTION_DAYS === 0) return;
    const run = () =>
      void this.sweep().catch((error: unknown) =>
        this.logger.error({ msg: 'recording retention failed', error: String(error) }),
      );
    this.timer = setInterval(run, SWEEP_EVERY_MS);
    this.timer.unref();
    setTimeout(run, 1000).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  /** Applies the retention rule now; returns how many files (or pending rows) it deleted. */
  sweep(now = new Date()): Promise<number> {
    this.sweeping ??= this.sweepOnce(now).finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepOnce(now: Date): Promise<number> {
    if (this.config.RECORDINGS_RETENTION_DAYS === 0) return 0;
    const cutoff = new Date(now.getTime() - this.config.RECORDINGS_RETENTION_DAYS * DAY_MS);
    let deleted = 0;
    for (;;) {
      const rows = await this.media.olderThan(cutoff, SWEEP_BATCH);
      let progressed = 0;
      for (const row of rows) {
        if (row.storageKey) await this.storage.delete(row.storageKey);
        if (
          await this.media.markDeleted(
            row.accountId,
            row.callId,
            row.kind,
            `older than RECORDINGS_RETENTION_DAYS (${this.config.RECORDINGS_RETENTION_DAYS})`,
          )
        )
          progressed += 1;
      }
      deleted += progressed;
      // Rows claimed by a download right now are left for the next pass.
      if (rows.length < SWEEP_BATCH || progressed === 0) break;
    }
    if (deleted > 0) this.logger.log({ msg: 'recordings deleted by the retention rule', deleted });
    return deleted;
  }

  private async purgeAccount(accountId: string): Promise<void> {
    const [any] = await this.db.query('SELECT 1 AS one FROM call_media WHERE account_id = ? LIMIT 1', [
      accountId,
    ]);
    // Without archiving nor rows, nothing was ever stored (and no storage need be reachable).
    if (this.config.RECORDINGS !== 'archive' && !any) return;
    const files = await this.storage.deletePrefix(accountPrefix(accountId));
    await this.db.execute('DELETE FROM call_media WHERE account_id = ?', [accountId]);
    this.logger.log({ msg: 'recordings of a purged account deleted', accountId, files });
  }
}
