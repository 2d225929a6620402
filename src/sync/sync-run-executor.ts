import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { Database } from '../database/database';
import { CallWindow, windowCovering } from './call-window';
import { CallWindowFetcher } from './call-window-fetcher';
import { LateChangeRereader } from './late-change-rereader';
import { ReferenceSync } from './reference-sync';
import { checkpointProblem, hasRemainingWindows, initialCheckpoint, SyncCheckpoint } from './sync-checkpoint';
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
    const pending: CallWindow[] = [];
    for (const candidate of failed) {
      const checkpoint = candidate.checkpoint!;
      if (checkpoint.current && !current) current = checkpoint.current;
      else if (checkpoint.current) pending.push({ from: checkpoint.current.from, to: checkpoint.current.to });
      pending.push(...checkpoint.pending);
    }
    run.checkpoint = {
      ...own,
      current: own.current ?? current,
      pending: own.current
        ? [...(current ? [{ from: current.from, to: current.to }] : []), ...pending, ...own.pending]
        : [...pending, ...own.pending],
      resumed: failed.map((candidate) => candidate.id),
    };
    return failed;
  }
}
