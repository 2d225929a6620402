import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';

export interface AccountLifecycleEvents {
  /**
   * An account was connected (credentials stored, webhook registered): start its backfill, or, when it
   * was an existing account connected again, a sync from its cursor.
   */
  connected: [accountId: string, reconnected: boolean];
  /**
   * A webhook that Aircall had deactivated or deleted works again. Events between `gapFrom` (the last time it
   * was known healthy) and now were probably never delivered: sync that window.
   */
  webhookRepaired: [accountId: string, gapFrom: Date];
}

/**
 * The seam between accounts and sync. Accounts emits; the sync module subscribes (e.g. in its
 * onModuleInit: `lifecycle.on('connected', (id) => this.startBackfill(id))`) and starts the BACKFILL_DAYS
 * backfill or the repair sync over the gap. Listeners run in-process and must not throw: a failure is
 * logged here and never undoes the connect that emitted it. With no subscriber an emit does nothing.
 */
@Injectable()
export class AccountLifecycle {
  private readonly emitter = new EventEmitter();
  private readonly logger = new Logger(AccountLifecycle.name);

  on<E extends keyof AccountLifecycleEvents>(
    event: E,
    listener: (...args: AccountLifecycleEvents[E]) => unknown,
  ): () => void {
    const wrapped = (...args: AccountLifecycleEvents[E]) => {
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch((error: unknown) => this.report(event, error));
      } catch (error) {
        this.report(event, error);
      }
    };
    this.emitter.on(event, wrapped as (...args: unknown[]) => void);
    return () => this.emitter.off(event, wrapped as (...args: unknown[]) => void);
  }

  emit<E extends keyof AccountLifecycleEvents>(event: E, ...args: AccountLifecycleEvents[E]): void {
    this.emitter.emit(event, ...args);
  }

  private report(event: string, error: unknown): void {
    this.logger.error({
      msg: `account ${event} listener failed`,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Work that must be done before an account's rows are purged, awaited in order: deleting the
 * account's archived recordings, whose keys the rows hold. A hook that fails stops the purge, which
 * can then be retried: nothing is left that no row points to.
 */
@Injectable()
export class AccountPurgeHooks {
  private readonly hooks: Array<(accountId: string) => Promise<void>> = [];

  register(hook: (accountId: string) => Promise<void>): void {
    this.hooks.push(hook);
  }

  async run(accountId: string): Promise<void> {
    for (const hook of this.hooks) await hook(accountId);
  }
}
