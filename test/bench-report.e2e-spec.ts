import type { ArchivingOnReport, IngestReport } from '../bench/ingest/ingest-bench';
import { combineCopiers, type RecordingsReport } from '../bench/recordings/recordings-bench';
import {
  BenchResults,
  evaluateTargets,
  LATEST_END,
  LATEST_START,
  markdownSummary,
  withLatestRun,
} from '../bench/report';

describe('bench report in docs/benchmarks.md', () => {
  const document = `# Benchmarks\n\nmethod\n\n## Latest run\n\n${LATEST_START}\nold figures\n${LATEST_END}\n\n## History\nkept\n`;

  it('replaces only what lies between the markers, keeping them for the next run', () => {
    const updated = withLatestRun(document, '| figure | measured |\n| a | 1 |\n');
    expect(updated).toBe(
      `# Benchmarks\n\nmethod\n\n## Latest run\n\n${LATEST_START}\n| figure | measured |\n| a | 1 |\n${LATEST_END}\n\n## History\nkept\n`,
    );
    expect(withLatestRun(updated!, 'second')).toContain(`${LATEST_START}\nsecond\n${LATEST_END}`);
  });

  it('leaves a document without both markers alone', () => {
    expect(withLatestRun('# no markers', 'x')).toBeNull();
    expect(withLatestRun(`${LATEST_END} before ${LATEST_START}`, 'x')).toBeNull();
  });
});

describe('bench report: the recordings section', () => {
  const plain = (mbPerSecond: number): RecordingsReport['baselines']['before'] => ({
    files: 1000,
    bytes: 1000 * 1024 * 1024,
    seconds: 1000 / mbPerSecond,
    filesPerSecond: mbPerSecond,
    mbPerSecond,
    peakRssMb: 110,
    cpuMsPerMb: 8000 / mbPerSecond,
    processes: mbPerSecond === 90 ? 2 : 1,
    cores: { copier: 0.8, simulator: 0.5, machineIdle: 0.4, stolen: 0 },
  });
  const recordings = (ratioToPlainFetch: number | null, peakRssMb: number): RecordingsReport => ({
    ratioToPlainFetch,
    checkedLoopRatioToPlainFetch: 0.9,
    ratioToCheckedLoop:
      ratioToPlainFetch === null ? null : Math.round((ratioToPlainFetch / 0.9) * 1000) / 1000,
    peakRssMb,
    service: {
      files: 1000,
      bytes: 1000 * 1024 * 1024,
      seconds: 12.5,
      filesPerSecond: 80,
      mbPerSecond: 80,
      firstArchivedSeconds: 0.1,
      rssBeforeMb: 190,
      archivingPeakRssMb: peakRssMb - 1,
      cores: {
        serviceMain: 0.7,
        serviceOther: 0.3,
        database: 0.1,
        generator: 0.01,
        total: 1.11,
        machineIdle: 0.5,
        stolen: 0,
        simulator: 0.4,
      },
      cpuMsPerMb: { service: 12.5, database: 1.25, simulator: 5 },
      gcPauseSeconds: { main: 0.2, mainMajor: 0.1, processor: 0 },
      heap: { before: null, after: null },
      media: { requests: 1000, byStatus: { 200: 1000 }, completed: 1000, bytesSent: 1000 * 1024 * 1024 },
    },
    baselines: { before: plain(95), after: plain(105), meanMbPerSecond: 100, checked: plain(90) },
    setup: { etagWarmupSeconds: 6, simulatorWarmupSeconds: 7, deliverSeconds: 1, pendingSeconds: 1.2 },
    settings: {
      files: 1000,
      bytes: 1024 * 1024,
      concurrency: 4,
      pollMs: 50,
      timeoutSeconds: 600,
      storage: 'local',
      directory: '/tmp',
    },
  });
  const results = (section: BenchResults['recordings']): BenchResults => {
    const r: BenchResults = {
      startedAt: '2026-12-02T12:00:00.000Z',
      finishedAt: '2026-12-02T12:01:00.000Z',
      durationSeconds: 60,
      mode: 'full',
      machine: {
        cores: 2,
        cpuModel: 'test CPU',
        memoryGb: 8,
        node: 'v20.0.0',
        platform: 'linux x64',
        databaseServer: 'MariaDB',
        databaseSizing: { bufferPoolMb: 128, redoLogMb: 96 },
        loadAverage: { atStart: [1], atEnd: [1] },
      },
      commit: { commit: 'abcdef0123456789', dirty: false },
      recordings: section,
      targets: [],
    };
    r.targets = evaluateTargets(r);
    return r;
  };
  const target = (r: BenchResults, figure: string) => r.targets.find((t) => t.figure === figure);

  it('passes the issue targets: throughput ≥ 0.8 of the plain fetch loop, peak RSS ≤ 300 MB', () => {
    const r = results(recordings(0.8, 300));
    expect(target(r, 'recordings.ratioToPlainFetch')).toEqual({
      figure: 'recordings.ratioToPlainFetch',
      target: '≥ 0.8',
      value: 0.8,
      pass: true,
    });
    expect(target(r, 'recordings.peakRssMb')).toMatchObject({ value: 300, pass: true });
    // The sections that did not run are not measured, not passed.
    expect(target(r, 'ingest.ratioToRawInsert')).toMatchObject({ value: null, pass: null });
  });

  it('fails them just past the bounds, and a missing baseline is not measured', () => {
    const slow = results(recordings(0.799, 300.1));
    expect(target(slow, 'recordings.ratioToPlainFetch')?.pass).toBe(false);
    expect(target(slow, 'recordings.peakRssMb')?.pass).toBe(false);
    expect(target(results(recordings(null, 250)), 'recordings.ratioToPlainFetch')).toMatchObject({
      value: null,
      pass: null,
    });
  });

  it('summarises the archive beside both runs of the plain loop', () => {
    const summary = markdownSummary(results(recordings(0.8, 250)));
    expect(summary).toContain('| recordings.ratioToPlainFetch | ≥ 0.8 | 0.8 | pass |');
    expect(summary).toContain('| recordings.peakRssMb | ≤ 300 MB | 250 | pass |');
    expect(summary).toContain(
      'Recordings: 1000 files of 1 MB archived 4 at a time in 12.5 s, 80 files/s, 80 MB/s',
    );
    expect(summary).toContain('plain fetch loop 95 MB/s');
    expect(summary).toContain('before, 105 MB/s');
    expect(summary).toContain('mean 100 MB/s');
  });

  it('sets the checked loop beside them: its ratio, the service against it, CPU per MB', () => {
    const summary = markdownSummary(results(recordings(0.72, 250)));
    expect(summary).toContain(
      "checked loop (SHA-256, length, ETag MD5, fdatasync; 2 processes) 90 MB/s (90 files/s, simulator 0.5 cores): 0.9 of the plain loop's mean, the service 0.8 of the checked loop",
    );
    expect(summary).toContain('CPU per MB: service 12.5 ms, database 1.25, simulator 5');
    expect(summary).toContain(`checked loop ${8000 / 90};`);
    // Not an issue target: the table keeps the two recordings figures only.
    const figures = evaluateTargets(results(recordings(0.72, 250))).map((t) => t.figure);
    expect(figures.filter((f) => f.startsWith('recordings.'))).toEqual([
      'recordings.ratioToPlainFetch',
      'recordings.peakRssMb',
    ]);
  });

  it('reports a failed section as failed, its targets as not measured', () => {
    const r = results({ error: 'the simulator exited (1)' });
    expect(target(r, 'recordings.peakRssMb')).toMatchObject({ value: null, pass: null });
    const summary = markdownSummary(r);
    expect(summary).toContain('| recordings.peakRssMb | ≤ 300 MB | n/a | not measured |');
    expect(summary).toContain('recordings: failed — the simulator exited (1)');
    expect(summary).not.toContain('Recordings:');
  });
});

describe('bench report: ingestion with archiving on', () => {
  /** Only what the archiving-on targets read: the rest of the ingest report is not theirs to judge. */
  const results = (archivingOn: Partial<ArchivingOnReport> | null): BenchResults => {
    const r = {
      startedAt: '2026-12-04T12:00:00.000Z',
      finishedAt: '2026-12-04T12:01:00.000Z',
      durationSeconds: 60,
      mode: 'full',
      machine: {} as BenchResults['machine'],
      commit: { commit: 'abcdef0123456789', dirty: false },
      ingest: { archivingOn } as unknown as IngestReport,
      targets: [],
    } satisfies BenchResults;
    return { ...r, targets: evaluateTargets(r) };
  };
  const target = (r: BenchResults, prefix: string) => r.targets.find((t) => t.figure.startsWith(prefix));
  const within = {
    ratioToArchivingOff: 0.95,
    p99AckRatioToArchivingOff: 1.05,
    p99ApplyLagRatioToArchivingOff: 1.05,
  };

  it('passes within 5 % of archiving off: capacity, p99 ack and p99 apply lag at the 80 % rate', () => {
    const r = results(within);
    expect(target(r, 'ingest.archivingOn.ratioToArchivingOff')).toMatchObject({
      target: '≥ 0.95',
      value: 0.95,
      pass: true,
    });
    expect(target(r, 'ingest.archivingOn.p99AckRatioToArchivingOff')).toMatchObject({
      target: '≤ 1.05',
      value: 1.05,
      pass: true,
    });
    expect(target(r, 'ingest.archivingOn.p99ApplyLagRatioToArchivingOff')).toMatchObject({ pass: true });
  });

  it('fails each just past 5 %, and reports them not measured without the run', () => {
    const r = results({
      ratioToArchivingOff: 0.949,
      p99AckRatioToArchivingOff: 1.051,
      p99ApplyLagRatioToArchivingOff: 1.051,
    });
    for (const figure of [
      'ratioToArchivingOff',
      'p99AckRatioToArchivingOff',
      'p99ApplyLagRatioToArchivingOff',
    ])
      expect(target(r, `ingest.archivingOn.${figure}`)?.pass).toBe(false);
    const none = results(null);
    expect(none.targets.filter((t) => t.figure.startsWith('ingest.archivingOn.'))).toEqual([
      expect.objectContaining({ value: null, pass: null }),
      expect.objectContaining({ value: null, pass: null }),
      expect.objectContaining({ value: null, pass: null }),
    ]);
  });
});

describe('bench: copiers run side by side', () => {
  const run = (startedAtMs: number, endedAtMs: number, files: number) => ({
    files,
    bytes: files * 1024,
    seconds: (endedAtMs - startedAtMs) / 1000,
    startedAtMs,
    endedAtMs,
    cpuSeconds: files / 100,
    peakRssMb: 90.04,
  });

  it('spans the first start to the last end, and sums files, bytes, CPU and peak RSS', () => {
    expect(combineCopiers([run(1_000, 5_000, 300), run(1_200, 6_500, 200)])).toEqual({
      files: 500,
      bytes: 500 * 1024,
      seconds: 5.5,
      startedAtMs: 1_000,
      endedAtMs: 6_500,
      cpuSeconds: 5,
      peakRssMb: 180.1,
    });
  });

  it('is the one run itself when one copier ran, and refuses none', () => {
    expect(combineCopiers([run(0, 2_000, 10)])).toMatchObject({ files: 10, seconds: 2 });
    expect(() => combineCopiers([])).toThrow('no copier ran');
  });
});
