import { AccountsService } from '../accounts/accounts.service';
import { Database } from '../database/database';
import { CallWindowFetcher } from './call-window-fetcher';
import { LateChangeRereader } from './late-change-rereader';
import { ReferenceSync } from './reference-sync';
import { initialCheckpoint, SyncCheckpoint } from './sync-checkpoint';
import { RunControl } from './sync-control';
import { SyncRun } from './sync-run';
import { SyncRunExecutor } from './sync-run-executor';
import { SyncRunsRepository } from './sync-runs.repository';

const ACCOUNT = '42';

function aRun(overrides: Partial<SyncRun> = {}): SyncRun {
  return {
    id: '1',
    accountId: ACCOUNT,
    kind: 'manual',
    status: 'queued',
    windowFrom: new Date('2026-01-10T00:00:00Z'),
    windowTo: new Date('2026-01-11T00:00:00Z'),
    requestsMade: 0,
    callsFetched: 0,
    callsWritten: 0,
    callsListed: 0,
    callsExpected: null,
    estimatedFinishAt: null,
    checkpoint: null,
    error: null,
    startedAt: null,
    finishedAt: null,
    heartbeatAt: null,
    createdAt: new Date('2026-01-11T00:00:00Z'),
    ...overrides,
  };
}

/** The executor with in-memory collaborators that record what they were asked. */
function setUp(failed: SyncRun[] = []) {
  const calls: string[] = [];
  const takenOver: Array<{ id: string; by: string }> = [];
  const cursor: Array<{ from: Date; to: Date }> = [];
  let windowsSeen: SyncCheckpoint | null = null;
  const runs = {
    failedWithCheckpoint: async () => failed,
    markRunning: async () => calls.push('markRunning'),
    markTakenOver: async (_runner: unknown, run: SyncRun, by: string) =>
      void takenOver.push({ id: run.id, by }),
    saveProgress: async () => undefined,
    finish: async (_run: SyncRun, status: string) => void calls.push(`finish:${status}`),
    advanceCursor: async (_id: string, from: Date, to: Date) => void cursor.push({ from, to }),
  } as unknown as SyncRunsRepository;
  const executor = new SyncRunExecutor(
    {
      credentialsFor: async () => ({ kind: 'basic', apiId: 'a', apiToken: 't' }),
    } as unknown as AccountsService,
    runs,
    { run: async () => void calls.push('reference') } as unknown as ReferenceSync,
    {
      fetchAll: async (run: SyncRun) => {
        calls.push('windows');
        windowsSeen = structuredClone(run.checkpoint);
        run.checkpoint = { ...run.checkpoint!, current: null, pending: [] };
      },
    } as unknown as CallWindowFetcher,
    { run: async () => void calls.push('reread') } as unknown as LateChangeRereader,
    { transaction: async (work: (m: unknown) => Promise<unknown>) => work({}) } as unknown as Database,
  );
  const control: RunControl = { check: () => undefined, fence: async () => undefined, hooks: {} };
  return { executor, control, calls, takenOver, cursor, windows: () => windowsSeen };
}

describe('SyncRunExecutor', () => {
  it('runs reference data, then the call windows, then the re-read, and advances the cursor on success', async () => {
    const { executor, control, calls, cursor } = setUp();
    const run = aRun();
    await executor.execute(run, control);
    expect(calls).toEqual(['markRunning', 'reference', 'windows', 'reread', 'finish:succeeded']);
    expect(cursor).toEqual([{ from: run.windowFrom, to: run.windowTo }]);
    expect(run.checkpoint!.phase).toBe('done');
  });

  it("takes over a failed run's windows first, resuming its current window after the last written page", async () => {
    const failedCheckpoint: SyncCheckpoint = {
      phase: 'calls',
      current: { from: 100, to: 200, pagesDone: 7 },
      pending: [{ from: 200, to: 300 }],
    };
    const failed = aRun({ id: '0', status: 'failed', checkpoint: failedCheckpoint });
    const { executor, control, takenOver, windows } = setUp([failed]);
    const run = aRun({ checkpoint: initialCheckpoint({ from: 1000, to: 2000 }) });
    await executor.execute(run, control);
    expect(windows()).toMatchObject({
      current: { from: 100, to: 200, pagesDone: 7 },
      pending: [
        { from: 200, to: 300 },
        { from: 1000, to: 2000 },
      ],
      resumed: ['0'],
    });
    expect(takenOver).toEqual([{ id: '0', by: '1' }]);
  });

  it('leaves alone failed runs already taken over, or that had fetched every window', async () => {
    const taken = aRun({
      id: '0',
      status: 'failed',
      checkpoint: { phase: 'calls', current: null, pending: [{ from: 1, to: 2 }], resumedBy: 'x' },
    });
    const finishedWindows = aRun({
      id: '00',
      status: 'failed',
      checkpoint: { phase: 'reread', current: null, pending: [] },
    });
    const { executor, control, takenOver, windows } = setUp([taken, finishedWindows]);
    await executor.execute(aRun({ checkpoint: initialCheckpoint({ from: 1000, to: 2000 }) }), control);
    expect(takenOver).toEqual([]);
    expect(windows()!.pending).toEqual([{ from: 1000, to: 2000 }]);
  });

  it('resumes a run left running in its phase, without repeating the phases it finished', async () => {
    const { executor, control, calls } = setUp();
    await executor.execute(
      aRun({
        status: 'running',
        checkpoint: { phase: 'calls', current: { from: 1, to: 2, pagesDone: 3 }, pending: [] },
      }),
      control,
    );
    expect(calls).toEqual(['markRunning', 'windows', 'reread', 'finish:succeeded']);
  });

  it('does not advance the cursor when a phase fails', async () => {
    const { executor, control, cursor } = setUp();
    const failing = new SyncRunExecutor(
      {
        credentialsFor: async () => ({ kind: 'basic', apiId: 'a', apiToken: 't' }),
      } as unknown as AccountsService,
      (executor as unknown as { runs: SyncRunsRepository }).runs,
      { run: async () => Promise.reject(new Error('Aircall is down')) } as unknown as ReferenceSync,
      {} as CallWindowFetcher,
      {} as LateChangeRereader,
      { transaction: async (work: (m: unknown) => Promise<unknown>) => work({}) } as unknown as Database,
    );
    await expect(failing.execute(aRun(), control)).rejects.toThrow('Aircall is down');
    expect(cursor).toEqual([]);
  });
});
