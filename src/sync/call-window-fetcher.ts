import { Injectable, Logger } from '@nestjs/common';
import { AircallClient, AIRCALL_MAX_PER_PAGE } from '../aircall/aircall-client';
import { AircallCredentials } from '../aircall/aircall-credentials';
import { AircallCall, AircallPageMeta } from '../aircall/aircall-types';
import { CallUpserter } from '../calls/call-upserter';
import { API_SNAPSHOT_SOURCE } from '../aircall/state-version';
import { Database } from '../database/database';
import { CallWindow } from './call-window';
import { SyncCheckpoint } from './sync-checkpoint';
import { RunControl } from './sync-control';
import { estimateProgress } from './sync-progress';
import { SyncRun } from './sync-run';
import { SyncRunsRepository } from './sync-runs.repository';
import { SyncWindowPlanner } from './sync-window-planner';

/**
 * Pages requested ahead of the one being written. The client paces them at Aircall's rate limit, so
 * this only keeps the budget busy while the database writes; it also bounds memory (pages × 50 calls).
 */
const PREFETCH_PAGES = 3;
/**
 * Pages written per transaction: fewer commits, still a small, bounded batch. Small on purpose: a page
 * that waits long (prefetched, then batched) outlives the young generation's collections and is
 * promoted, and V8 collects the old generation lazily: fewer pages ahead and per batch keep the peak
 * memory lower at the same pace (docs/benchmarks.md).
 */
export const PAGES_PER_BATCH = 2;

interface FetchedPage {
  page: number;
  calls: AircallCall[];
  meta: AircallPageMeta;
  serverTime: Date;
}

type Settled = { ok: true; value: FetchedPage } | { ok: false; error: unknown };

/**
 * Fetches a run's call windows (`GET /v1/calls`, 50 a page, oldest first) and writes them through the
 * CallUpserter, page batch by page batch, each batch in one transaction with the run's checkpoint, so a
 * run resumes at the first page not written. A window Aircall reports over 10,000 calls (`meta.total`)
 * is replaced by sub-windows before any of its pages is written. Memory stays flat: only the pages in
 * flight and the batch being written are held.
 */
@Injectable()
export class CallWindowFetcher {
  private readonly logger = new Logger(CallWindowFetcher.name);
  private readonly planner = new SyncWindowPlanner();

  constructor(
    private readonly aircall: AircallClient,
    private readonly upserter: CallUpserter,
    private readonly runs: SyncRunsRepository,
    private readonly db: Database,
  ) {}

  /** Fetches every window left in the run's checkpoint. */
  async fetchAll(run: SyncRun, credentials: AircallCredentials, control: RunControl): Promise<void> {
    for (;;) {
      control.check();
      const checkpoint = run.checkpoint!;
      if (!checkpoint.current) {
        const next = checkpoint.pending[0];
        if (!next) return;
        run.checkpoint = {
          ...checkpoint,
          pending: checkpoint.pending.slice(1),
          current: { ...next, pagesDone: 0 },
        };
      }
      await this.fetchWindow(run, credentials, control);
    }
  }

  private async fetchWindow(
    run: SyncRun,
    credentials: AircallCredentials,
    control: RunControl,
  ): Promise<void> {
    const current = run.checkpoint!.current!;
    const window: CallWindow = { from: current.from, to: current.to };
    const first = await this.page(run, credentials, window, current.pagesDone + 1);
    const total = first.meta.total;
    run.checkpoint = {
      ...run.checkpoint!,
      current: { ...current, total },
      pending: withRealTotal(run.checkpoint!.pending, current, total),
    };
    if (!this.planner.fits(total)) {
      const parts = this.planner.split(window, total)?.map((part, i, all) => ({
        ...part,
        // Each slice's share of the parent's total, until its own first page says what it holds.
        expected: Math.floor(total / all.length) + (i < total % all.length ? 1 : 0),
      }));
      if (parts) {
        // Nothing of a window over the cap is kept: its pages would be refetched by the first sub-window.
        // A window whose total grew past the cap while being paged restarts as sub-windows too (rare: asc
        // order only shifts when calls are added inside a past window).
        await this.save(run, credentials, {
          ...run.checkpoint!,
          current: null,
          pending: [...parts, ...run.checkpoint!.pending],
        });
        return;
      }
      this.logger.warn({
        msg: 'more than 10,000 calls started in one second: only the first 10,000 are reachable',
        accountId: run.accountId,
        window,
      });
      run.checkpoint = { ...run.checkpoint!, truncated: [...(run.checkpoint!.truncated ?? []), window] };
    }
    const lastPage = this.planner.pageCount(total);
    if (first.page > lastPage) {
      await this.save(run, credentials, { ...run.checkpoint!, current: null });
      return;
    }

    const inFlight: Promise<Settled>[] = [];
    let nextPage = first.page + 1;
    const launch = () => {
      while (inFlight.length < PREFETCH_PAGES && nextPage <= lastPage) {
        inFlight.push(settle(this.page(run, credentials, window, nextPage)));
        nextPage += 1;
      }
    };
    launch();
    let batch: FetchedPage[] = [first];
    try {
      while (inFlight.length > 0) {
        if (batch.length >= PAGES_PER_BATCH) {
          await this.write(run, credentials, batch, lastPage, control);
          batch = [];
        }
        const settled = await inFlight.shift()!;
        control.check();
        if (!settled.ok) throw settled.error;
        batch.push(settled.value);
        launch();
      }
    } finally {
      // Whatever stops the window (failure, shutdown, lost lease), no request of it outlives it.
      await Promise.all(inFlight.splice(0));
    }
    await this.write(run, credentials, batch, lastPage, control);
  }

  private async page(
    run: SyncRun,
    credentials: AircallCredentials,
    window: CallWindow,
    page: number,
  ): Promise<FetchedPage> {
    run.requestsMade += 1;
    const { calls, meta, serverTime } = await this.aircall.listCalls(credentials, {
      from: window.from,
      to: window.to,
      page,
      perPage: AIRCALL_MAX_PER_PAGE,
      // Oldest first: calls started after the sync began land on later pages, so earlier pages stay put.
      order: 'asc',
    });
    return { page, calls, meta, serverTime };
  }

  /** One transaction: the calls of the batch, the lease fence and the checkpoint moved past the batch. */
  private async write(
    run: SyncRun,
    credentials: AircallCredentials,
    batch: FetchedPage[],
    lastPage: number,
    control: RunControl,
  ): Promise<void> {
    control.check();
    const current = run.checkpoint!.current!;
    const pagesDone = batch[batch.length - 1].page;
    const next: SyncCheckpoint = {
      ...run.checkpoint!,
      current: pagesDone >= lastPage ? null : { ...current, pagesDone },
    };
    const snapshots = batch.flatMap((page) =>
      page.calls.map((call) => ({
        accountId: run.accountId,
        call,
        source: API_SNAPSHOT_SOURCE,
        at: page.serverTime,
      })),
    );
    const before = {
      checkpoint: run.checkpoint,
      written: run.callsWritten,
      fetched: run.callsFetched,
      listed: run.callsListed,
    };
    try {
      await this.db.transaction(async (m) => {
        await control.fence(m);
        const { written } = await this.upserter.apply(m, snapshots);
        run.checkpoint = next;
        run.callsWritten = before.written + written;
        // Counted once written: a page refetched after a failure, or dropped for a split, counts once.
        run.callsFetched = before.fetched + snapshots.length;
        run.callsListed = before.listed + snapshots.length;
        this.estimate(run, credentials);
        await this.runs.saveProgress(m, run);
      });
    } catch (error) {
      run.checkpoint = before.checkpoint;
      run.callsWritten = before.written;
      run.callsFetched = before.fetched;
      run.callsListed = before.listed;
      throw error;
    }
    await control.hooks.afterBatchWritten?.(run);
  }

  private async save(
    run: SyncRun,
    credentials: AircallCredentials,
    checkpoint: SyncCheckpoint,
  ): Promise<void> {
    run.checkpoint = checkpoint;
    this.estimate(run, credentials);
    await this.runs.saveProgress(this.db.autocommit, run);
  }

  /** Expected calls and finish, from the checkpoint and the company's rate budget. */
  private estimate(run: SyncRun, credentials: AircallCredentials): void {
    estimateProgress(run, this.aircall.ratePerSecond(credentials));
  }
}

function settle(promise: Promise<FetchedPage>): Promise<Settled> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * The pending windows once `current`'s real total replaces its estimate: the difference moves to the
 * next window (its sibling from the same split, whose estimates add up to the parent's exact total).
 */
function withRealTotal(
  pending: SyncCheckpoint['pending'],
  current: NonNullable<SyncCheckpoint['current']>,
  total: number,
): SyncCheckpoint['pending'] {
  if (current.total !== undefined || current.expected === undefined) return pending;
  const next = pending[0];
  if (next?.expected === undefined) return pending;
  return [{ ...next, expected: Math.max(0, next.expected + current.expected - total) }, ...pending.slice(1)];
}
