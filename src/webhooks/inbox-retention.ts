import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database, isDatabaseUnavailable } from '../database/database';

const CHUNK = 5000;
const EVERY_MS = 60 * 60 * 1000;

/**
 * Keeps the inbox from growing forever: applied rows older than WEBHOOK_RETENTION_DAYS are deleted in
 * chunks. Nothing else is: pending and failed rows are work, quarantined ones evidence, and skipped
 * ones (messages, conversation intelligence…) are what a later version may replay to apply them —
 * messages, for one, cannot be fetched from Aircall afterwards.
 * Idempotent, so every instance may run it; no lease needed.
 */
@Injectable()
export class InboxRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxRetention.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.WEBHOOK_RETENTION_DAYS === 0 || !this.config.INBOX_PROCESSOR) return;
    this.timer = setInterval(() => void this.purge().catch((e) => this.report(e)), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes what is past retention; returns how many rows went. */
  async purge(now = new Date()): Promise<number> {
    if (this.config.WEBHOOK_RETENTION_DAYS === 0) return 0;
    const cutoff = this.db.date(now.getTime() - this.config.WEBHOOK_RETENTION_DAYS * 86_400_000);
    // The (status, next_attempt_at) index serves this: a finished row's next_attempt_at is its last attempt.
    const where = `status = 'applied' AND next_attempt_at < ?`;
    const sql = this.db.isMysql
      ? `DELETE FROM webhook_events WHERE ${where} LIMIT ${CHUNK}`
      : `DELETE FROM webhook_events WHERE rowid IN (SELECT rowid FROM webhook_events WHERE ${where} LIMIT ${CHUNK})`;
    let total = 0;
    for (;;) {
      const deleted = await this.db.execute(sql, [cutoff]);
      total += deleted;
      if (deleted < CHUNK) break;
    }
    if (total > 0) this.logger.log({ msg: 'inbox rows past retention deleted', rows: total });
    return total;
  }

  private report(error: unknown): void {
    if (isDatabaseUnavailable(error))
      this.logger.warn({ msg: 'inbox retention skipped: database unavailable' });
    else this.logger.error({ msg: 'inbox retention failed', error: String(error) });
  }
}
