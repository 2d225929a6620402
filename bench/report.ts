import type { BackfillReport, BackfillRun } from './backfill/run-backfill';
import type { GraphqlReport } from './graphql/graphql-bench';
import { type ArchivingOnReport, describeCores, type IngestReport } from './ingest/ingest-bench';
import type { RecordingsReport } from './recordings/recordings-bench';
import type { CommitInfo, MachineInfo } from './support/machine';

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  mode: 'quick' | 'full';
  machine: MachineInfo & { loadAverage: { atStart: number[]; atEnd: number[] } };
  commit: CommitInfo;
  ingest?: IngestReport | { error: string };
  backfill?: BackfillReport | { error: string };
  graphql?: GraphqlReport | { error: string };
  recordings?: RecordingsReport | { error: string };
  targets: TargetResult[];
}

export interface TargetResult {
  figure: string;
  target: string;
  value: number | null;
  /** null when the figure could not be measured. */
  pass: boolean | null;
}

interface Target {
  figure: string;
  target: string;
  value: (r: BenchResults) => number | null | undefined;
  pass: (v: number) => boolean;
}

const ok = <T extends object>(section: T | { error: string } | undefined): T | undefined =>
  section && !('error' in section) ? section : undefined;

/** The targets of the "Proven at scale", GraphQL and recordings issues, each read from the results. */
const TARGETS: Target[] = [
  {
    figure: 'ingest.ratioToRawInsert',
    target: '≥ 0.5',
    value: (r) => ok(r.ingest)?.ratioToRawInsert,
    pass: (v) => v >= 0.5,
  },
  {
    figure: 'ingest.ratioToNaive',
    target: '≥ 3',
    value: (r) => ok(r.ingest)?.ratioToNaive,
    pass: (v) => v >= 3,
  },
  {
    figure: 'ingest.p99AckMs (at 80% load)',
    target: '≤ 50 ms',
    value: (r) => ok(r.ingest)?.p99AckMs,
    pass: (v) => v <= 50,
  },
  {
    figure: 'ingest.p99ApplyLagMs (at 80% load)',
    target: '≤ 1000 ms',
    value: (r) => ok(r.ingest)?.p99ApplyLagMs,
    pass: (v) => v <= 1000,
  },
  {
    figure: 'ingest.archivingOn.ratioToArchivingOff (saturation)',
    target: '≥ 0.95',
    value: (r) => ok(r.ingest)?.archivingOn?.ratioToArchivingOff,
    pass: (v) => v >= 0.95,
  },
  {
    figure: 'ingest.archivingOn.p99AckRatioToArchivingOff (at 80%)',
    target: '≤ 1.05',
    value: (r) => ok(r.ingest)?.archivingOn?.p99AckRatioToArchivingOff,
    pass: (v) => v <= 1.05,
  },
  {
    figure: 'ingest.archivingOn.p99ApplyLagRatioToArchivingOff (at 80%)',
    target: '≤ 1.05',
    value: (r) => ok(r.ingest)?.archivingOn?.p99ApplyLagRatioToArchivingOff,
    pass: (v) => v <= 1.05,
  },
  {
    figure: 'backfill.ratioToRateLimitBound',
    target: '≥ 0.95',
    value: (r) => ok(r.backfill)?.ratioToRateLimitBound,
    pass: (v) => v >= 0.95,
  },
  { figure: 'backfill.http429', target: '= 0', value: (r) => ok(r.backfill)?.http429, pass: (v) => v === 0 },
  {
    figure: 'backfill.peakRssMb',
    target: '≤ 300 MB',
    value: (r) => ok(r.backfill)?.peakRssMb,
    pass: (v) => v <= 300,
  },
  {
    figure: 'graphql.p95RatioToRawSql',
    target: '≤ 3',
    value: (r) => ok(r.graphql)?.p95RatioToRawSql,
    pass: (v) => v <= 3,
  },
  {
    figure: 'graphql.p95RatioToRawSqlWorstFilter',
    target: '≤ 3',
    value: (r) => ok(r.graphql)?.p95RatioToRawSqlWorstFilter,
    pass: (v) => v <= 3,
  },
  {
    figure: 'graphql.statsByDay90dMs (p95)',
    target: '≤ 500 ms',
    value: (r) => ok(r.graphql)?.statsByDay90dMs,
    pass: (v) => v <= 500,
  },
  {
    figure: 'recordings.ratioToPlainFetch',
    target: '≥ 0.8',
    value: (r) => ok(r.recordings)?.ratioToPlainFetch,
    pass: (v) => v >= 0.8,
  },
  {
    figure: 'recordings.peakRssMb',
    target: '≤ 300 MB',
    value: (r) => ok(r.recordings)?.peakRssMb,
    pass: (v) => v <= 300,
  },
];

export function evaluateTargets(results: BenchResults): TargetResult[] {
  return TARGETS.map((t) => {
    const value = t.value(results);
    return value === null || value === undefined
      ? { figure: t.figure, target: t.target, value: null, pass: null }
      : { figure: t.figure, target: t.target, value, pass: t.pass(value) };
  });
}

/** How the 80 % row was chosen, when there were several runs. */
function pacedRuns(ingest: IngestReport): string {
  const { runs } = ingest.loadAt80Percent;
  if (runs.length < 2) return '';
  return `, median of ${runs.length} runs by p99 (their p99s: ${runs.map((r) => r.p99AckMs).join(', ')} ms; apply lag p99s: ${runs.map((r) => r.p99ApplyLagMs).join(', ')} ms)`;
}

/** The short Markdown summary written to latest.md and printed. */
export function markdownSummary(results: BenchResults): string {
  const ingest = ok(results.ingest);
  const graphql = ok(results.graphql);
  const backfill = ok(results.backfill);
  const recordings = ok(results.recordings);
  const m = results.machine;
  const lines = [
    `# Benchmark results (${results.mode})`,
    '',
    `${results.startedAt} · commit ${results.commit.commit.slice(0, 12)}${results.commit.dirty ? ' (dirty tree)' : ''} · ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB · Node ${m.node} · ${m.databaseServer} (InnoDB buffer pool ${m.databaseSizing.bufferPoolMb} MB, redo log ${m.databaseSizing.redoLogMb} MB) · load average ${m.loadAverage.atStart[0]} → ${m.loadAverage.atEnd[0]} · ${results.durationSeconds} s`,
    '',
    '| figure | target | measured | result |',
    '| --- | --- | --- | --- |',
    ...results.targets.map(
      (t) =>
        `| ${t.figure} | ${t.target} | ${t.value ?? 'n/a'} | ${t.pass === null ? 'not measured' : t.pass ? 'pass' : 'FAIL'} |`,
    ),
  ];
  if (ingest) {
    const gc = ingest.loadAt80Percent.gcPauseSeconds;
    const cpu = ingest.loadAt80Percent.cpuCores;
    lines.push(
      '',
      '| ingestion | events/s (2xx) | p50 ack ms | p99 ack ms |',
      '| --- | --- | --- | --- |',
      `| service, saturation | ${ingest.eventsPerSecond} | ${ingest.service.latencyMs.p50} | ${ingest.service.latencyMs.p99} |`,
      `| service, 80% (${ingest.loadAt80Percent.targetRate}/s)${pacedRuns(ingest)} | ${ingest.loadAt80Percent.achievedRate} | ${ingest.loadAt80Percent.p50AckMs} | ${ingest.loadAt80Percent.p99AckMs} |`,
      ...(ingest.loadAt80Percent.warmup
        ? [
            `| service, 80%: its first ${ingest.loadAt80Percent.warmup.seconds} s (step from idle, not in the row above) | | ${ingest.loadAt80Percent.warmup.p50} | ${ingest.loadAt80Percent.warmup.p99} |`,
          ]
        : []),
      ...(ingest.serviceWithoutProcessor
        ? [
            `| service, inbox processor off | ${ingest.serviceWithoutProcessor.okPerSecond} | ${ingest.serviceWithoutProcessor.latencyMs.p50} | ${ingest.serviceWithoutProcessor.latencyMs.p99} |`,
          ]
        : []),
      ...(ingest.archivingOn
        ? [
            `| service, archiving on, saturation | ${ingest.archivingOn.eventsPerSecond} | ${ingest.archivingOn.service.latencyMs.p50} | ${ingest.archivingOn.service.latencyMs.p99} |`,
            `| service, archiving on, at the 80% rate (${ingest.archivingOn.at80.targetRate}/s), median of ${ingest.archivingOn.at80.runs.length} run${ingest.archivingOn.at80.runs.length === 1 ? '' : 's'} by p99${overloaded(ingest.archivingOn) ? ', overloaded' : ''} | ${ingest.archivingOn.at80.achievedRate} | ${ingest.archivingOn.at80.p50AckMs} | ${ingest.archivingOn.at80.p99AckMs} |`,
          ]
        : []),
      `| raw node:http + same inbox | ${ingest.baselines.rawHttp.okPerSecond} | ${ingest.baselines.rawHttp.latencyMs.p50} | ${ingest.baselines.rawHttp.latencyMs.p99} |`,
      `| naive Express, 1 upsert/request | ${ingest.baselines.naive.okPerSecond} | ${ingest.baselines.naive.latencyMs.p50} | ${ingest.baselines.naive.latencyMs.p99} |`,
      `| raw multi-row INSERT (database limit) | ${ingest.baselines.rawInsert.rowsPerSecond} rows/s | | |`,
      '',
      `Processor: ${ingest.processor.appliedPerSecond} events/s applied; apply lag at 80% p50 ${ingest.applyLagMs.p50} ms, p99 ${ingest.applyLagMs.p99} ms (${ingest.applyLagMs.notAppliedWithinTimeout} not applied in time).`,
      '',
      `Load generator at 80%: its own event loop ran late by p50 ${ingest.loadAt80Percent.generatorLoopDelayMs.p50} ms, p99 ${ingest.loadAt80Percent.generatorLoopDelayMs.p99} ms, max ${ingest.loadAt80Percent.generatorLoopDelayMs.max} ms (a late generator sends and reads late: that much of the ack latencies may be its own).`,
      '',
      `Service GC at 80% (that run, ${ingest.settings.pacedWarmupSeconds + ingest.settings.runSeconds} s): main thread paused ${gc.main} s (full collections ${gc.mainMajor} s), processor thread ${gc.processor} s.`,
      ...(cpu
        ? ['', `Cores busy at 80% (that run, of ${results.machine.cores}): ${describeCores(cpu)}.`]
        : []),
      ...(ingest.archivingOn ? ['', archivingOnSummary(ingest.archivingOn, ingest.settings.mediaBytes)] : []),
    );
  }
  if (graphql) {
    lines.push(
      '',
      `GraphQL on ${graphql.dataset.rows.calls} calls: calls(first: ${graphql.settings.pageSize}) p50 ${graphql.callsPageMs.p50} ms / p95 ${graphql.callsPageMs.p95} ms; raw SQL p50 ${graphql.rawSqlPageMs.p50} ms / p95 ${graphql.rawSqlPageMs.p95} ms; callStats DAY 90 d p50 ${graphql.statsByDay90d.p50} ms / p95 ${graphql.statsByDay90d.p95} ms.`,
    );
  }
  if (graphql?.byVariant) {
    lines.push(
      '',
      '| calls page filter | GraphQL p50 / p95 ms | raw SQL p50 / p95 ms | p95 ratio |',
      '| --- | --- | --- | --- |',
    );
    for (const [name, v] of Object.entries(graphql.byVariant)) {
      lines.push(
        `| ${name} | ${v.graphqlP50} / ${v.graphqlP95} | ${v.rawP50} / ${v.rawP95} | ${v.p95Ratio ?? 'n/a'} |`,
      );
    }
  }
  if (backfill) {
    const runs = [backfill.throughputRun, backfill.memoryRun].filter(
      (run, index, all): run is BackfillRun => all.indexOf(run) === index,
    );
    lines.push(
      '',
      `Backfill: ${runs
        .map((run) => {
          const heap = `main heap ${run.atPeak.heapUsedMb} of ${run.atPeak.heapTotalMb} MB used`;
          return `${run.calls} calls in ${run.seconds} s, ${run.ratioToRateLimitBound} of the bound, peak RSS ${run.peakRssMb} MB (${heap})`;
        })
        .join('; ')}.`,
    );
  }
  if (recordings) lines.push('', recordingsSummary(recordings));
  for (const [name, section] of Object.entries({
    ingest: results.ingest,
    backfill: results.backfill,
    graphql: results.graphql,
    recordings: results.recordings,
  })) {
    if (section && 'error' in section) lines.push('', `${name}: failed — ${section.error}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The archiving service answered less than 98 % of the 80 % rate: the run overloaded it. */
function overloaded(a: ArchivingOnReport): boolean {
  return a.at80.achievedRate < a.at80.targetRate * 0.98;
}

/** The ingestion section's archiving-on paragraph: the service with RECORDINGS=archive against itself without. */
function archivingOnSummary(a: ArchivingOnReport, mediaBytes: number): string {
  const size = Math.round((mediaBytes / (1024 * 1024)) * 100) / 100;
  return (
    `Archiving on (RECORDINGS=archive, every recording and voicemail of ${size} MB fetched from a local host): ` +
    `saturation ${a.eventsPerSecond} events/s, ${a.ratioToArchivingOff ?? 'n/a'} of archiving off; ` +
    `at the 80% rate (${a.at80.targetRate}/s${overloaded(a) ? `, more than it could take: ${a.at80.achievedRate}/s answered` : ''}; ` +
    `runs' p99 ack ${a.at80.runs.map((r) => r.p99AckMs).join(', ')} ms) p99 ack ${a.at80.p99AckMs} ms (${a.p99AckRatioToArchivingOff ?? 'n/a'} of archiving off), ` +
    `apply lag p99 ${a.at80.p99ApplyLagMs} ms (${a.p99ApplyLagRatioToArchivingOff ?? 'n/a'}); ` +
    `${a.archived.files} files (${a.archived.mb} MB) archived over its rounds and runs at that rate, ${a.archived.mbPerSecond} MB/s over their load and drain time` +
    (a.at80.cpuCores ? `; cores busy at the 80% rate: ${describeCores(a.at80.cpuCores)}.` : '.')
  );
}

/** The recordings paragraph: the service's archive against the plain loop before and after it, and the checked loop. */
function recordingsSummary(r: RecordingsReport): string {
  const { service, baselines } = r;
  const size = Math.round((r.settings.bytes / (1024 * 1024)) * 100) / 100;
  const plain = (run: RecordingsReport['baselines']['before']) =>
    `${run.mbPerSecond} MB/s (${run.filesPerSecond} files/s, simulator ${run.cores.simulator ?? 'n/a'} cores)`;
  return (
    `Recordings: ${service.files} files of ${size} MB archived ${r.settings.concurrency} at a time in ${service.seconds} s, ` +
    `${service.filesPerSecond} files/s, ${service.mbPerSecond} MB/s (service main thread ${service.cores.serviceMain} cores, ` +
    `other threads ${service.cores.serviceOther}, database ${service.cores.database ?? 'n/a'}, simulator ${service.cores.simulator ?? 'n/a'}, ` +
    `machine idle ${service.cores.machineIdle ?? 'n/a'}); ` +
    `plain fetch loop ${plain(baselines.before)} before, ${plain(baselines.after)} after, mean ${baselines.meanMbPerSecond} MB/s; ` +
    `checked loop (SHA-256, length, ETag MD5, fdatasync; ${baselines.checked.processes} processes) ${plain(baselines.checked)}: ${r.checkedLoopRatioToPlainFetch ?? 'n/a'} of the plain loop's mean, ` +
    `the service ${r.ratioToCheckedLoop ?? 'n/a'} of the checked loop; ` +
    `CPU per MB: service ${service.cpuMsPerMb.service} ms, database ${service.cpuMsPerMb.database ?? 'n/a'}, simulator ${service.cpuMsPerMb.simulator ?? 'n/a'}; ` +
    `plain loop ${baselines.before.cpuMsPerMb} and ${baselines.after.cpuMsPerMb}, checked loop ${baselines.checked.cpuMsPerMb}; ` +
    `service RSS ${service.rssBeforeMb} MB before archiving, peak ${service.archivingPeakRssMb} MB while archiving, ${r.peakRssMb} MB over its run.`
  );
}

export const LATEST_START = '<!-- bench:latest:start -->';
export const LATEST_END = '<!-- bench:latest:end -->';

/**
 * docs/benchmarks.md with its "Latest run" section replaced by `summary`, or null when the markers
 * are missing (the document is then left alone rather than guessed at).
 */
export function withLatestRun(document: string, summary: string): string | null {
  const start = document.indexOf(LATEST_START);
  const end = document.indexOf(LATEST_END);
  if (start < 0 || end < start) return null;
  return `${document.slice(0, start + LATEST_START.length)}\n${summary.trim()}\n${document.slice(end)}`;
}
