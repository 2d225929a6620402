import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { Database } from '../database/database';
import { windowCovering } from './call-window';
import { CallWindowFetcher } from './call-window-fetcher';
import { LateChangeRereader } from './late-change-rereader';
import { ReferenceSync } from './reference-sync';
import {
  checkpointProblem,
  hasRemainingWindows,
  initialCheckpoint,
  PlannedWindow,
  SyncCheckpoint,
} from './sync-checkpoint';
import { InvalidSyncWindowError } from './sync-errors';
import { RunControl } from './sync-control';
import { SyncRun } from './sync-run';
import { SyncRunsRepository } from './sync-runs.repository';

/**
 * Executes one sync run from wherever its checkpoint stands: reference data (users, teams, numbers, tags),
 * then the call windows, then the re-read of calls whose state looks unfinished. Failures propagate to the
 * caller, which records them; the checkpoint on the row is always consistent with the data written.
 */
@Injectable()
export class SyncRunExecutor {
  constructor(
    private readonly accounts: AccountsService,
    private readonly runs: SyncRunsRepository,
    private readonly reference: ReferenceSync,
    private readonly windows: CallWindowFetcher,
    private readonly rereader: LateChangeRereader,
    private readonly db: Database,
  ) {}

  async execute(run: SyncRun, control: RunControl): Promise<void> {
    const credentials = await this.accounts.credentialsFor(run.accountId);
    if (!run.windowFrom || !run.windowTo || run.windowFrom.getTime() >= run.windowTo.getTime())
      throw new InvalidSyncWindowError('the run has no valid window (from before to)');
    const taken = run.status === 'queued' ? await this.takeOverFailedRuns(run) : [];
    run.checkpoint ??= initialCheckpoint(windowCovering(run.windowFrom, run.windowTo));
    const problem = checkpointProblem(run.checkpoint);
    if (problem) throw new InvalidSyncWindowError(problem);
    const now = new Date();
    // Together: a failed run's windows belong either to it or to this run, never to neither.
    await this.db.transaction(async (m) => {
      await this.runs.markRunning(m, run, now);
      for (const failed of taken) await this.runs.markTakenOver(m, failed, run.id);
    });
    run.status = 'running';
    run.startedAt ??= now;

    if (run.checkpoint.phase === 'reference') {
      control.check();
      await this.reference.run(run.accountId, credentials, () => (run.requestsMade += 1));
      await this.advance(run, 'calls');
    }
    if (run.checkpoint.phase === 'calls') {
      await this.windows.fetchAll(run, credentials, control);
      await this.advance(run, 'reread');
    }
    if (run.checkpoint.phase === 'reread') {
      await this.rereader.run(run, credentials, control);
      await this.advance(run, 'done');
    }
    await this.runs.finish(run, 'succeeded', null);
    run.status = 'succeeded';
    await this.runs.advanceCursor(run.accountId, run.windowFrom!, run.windowTo!);
  }

  private async advance(run: SyncRun, phase: SyncCheckpoint['phase']): Promise<void> {
    run.checkpoint = { ...run.checkpoint!, phase };
    // Past the windows, what was listed is all there is; the re-reads left are few and not estimated.
    if (phase === 'reread' || phase === 'done') {
      run.callsExpected = run.callsListed;
      run.estimatedFinishAt = null;
    }
    await this.runs.saveProgress(this.db.autocommit, run);
  }

  /**
   * A run that failed (Aircall outage, refused credentials…) left windows unfetched: the account's next run
   * takes them over, the failed one's current window resuming at its first unwritten page, so nothing is
   * fetched twice and nothing is skipped.
   */
  private async takeOverFailedRuns(run: SyncRun): Promise<SyncRun[]> {
    const own = run.checkpoint ?? initialCheckpoint(windowCovering(run.windowFrom!, run.windowTo!));
    const failed = (await this.runs.failedWithCheckpoint(run.accountId)).filter(
      (candidate) =>
        !candidate.checkpoint?.resumedBy &&
        hasRemainingWindows(candidate.checkpoint) &&
        checkpointProblem(candidate.checkpoint) === null,
    );
    if (failed.length === 0) return [];
    let current: SyncCheckpoint['current'] = null;
    const pending: PlannedWindow[] = [];
    for (const candidate of failed) {
      const checkpoint = candidate.checkpoint!;
      if (checkpoint.current && !current) current = checkpoint.current;
      else if (checkpoint.current) pending.push(restarted(checkpoint.current));
      pending.push(...checkpoint.pending);
    }
    run.checkpoint = {
      ...own,
      current: own.current ?? current,
      pending: own.current
        ? [...(current ? [restarted(current)] : []), ...pending, ...own.pending]
        : [...pending, ...own.pending],
      resumed: failed.map((candidate) => candidate.id),
    };
    return failed;
  }
}

/** A window being fetched, to fetch again from its first page (what it held is still the estimate). */
function restarted(window: NonNullable<SyncCheckpoint['current']>): PlannedWindow {
  const expected = window.total ?? window.expected;
  return expected === undefined
    ? { from: window.from, to: window.to }
    : { from: window.from, to: window.to, expected };
}
