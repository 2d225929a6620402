import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { runBackfill } from './backfill/run-backfill';
import { GraphqlBench } from './graphql/graphql-bench';
import { IngestBench } from './ingest/ingest-bench';
import { RecordingsBench } from './recordings/recordings-bench';
import { BenchResults, evaluateTargets, markdownSummary, withLatestRun } from './report';
import { benchStopping } from './support/children';
import { commitInfo, machineInfo } from './support/machine';
import { MysqlServer } from './support/mysql-server';

/**
 * `npm run bench`: webhook ingestion, backfill, GraphQL and recordings figures with their baselines,
 * measured in one invocation on this machine and one database server; writes
 * bench/results/<timestamp>.json, latest.json and latest.md, and prints the Markdown summary. Sizes come from the environment
 * (see docs/benchmarks.md "Method"); BENCH_QUICK=1 runs small sizes in about a minute.
 */
const env = process.env;
const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
const num = (name: string, full: number, quickValue: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return quick ? quickValue : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
};

const log = (line: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function section<T>(
  name: string,
  enabled: boolean,
  work: () => Promise<T>,
): Promise<T | { error: string } | undefined> {
  if (!enabled) return undefined;
  if (benchStopping()) return { error: 'the bench was stopped' };
  try {
    return await work();
  } catch (error) {
    log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<void> {
  const only = (env.BENCH_ONLY ?? 'ingest,backfill,graphql,recordings').split(',').map((s) => s.trim());
  const server = new MysqlServer(env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/');
  const started = new Date();
  const atStart = loadavg().map((l) => Math.round(l * 100) / 100);
  const machine = machineInfo(await server.version(), await server.innodbSizing());
  log(
    `${quick ? 'quick' : 'full'} run on ${machine.cores} cores, ${machine.databaseServer} (buffer pool ${machine.databaseSizing.bufferPoolMb} MB, redo log ${machine.databaseSizing.redoLogMb} MB), load average ${atStart.join(' ')}`,
  );

  const ingest = await section('ingest', only.includes('ingest'), () =>
    new IngestBench(
      server,
      {
        accounts: num('BENCH_ACCOUNTS', 20, 5),
        connections: num('BENCH_CONNECTIONS', 100, 64),
        warmupSeconds: num('BENCH_WARMUP_SECONDS', 3, 2),
        runSeconds: num('BENCH_INGEST_SECONDS', 12, 5),
        rawInsertRows: num('BENCH_RAW_INSERT_ROWS', 40_000, 20_000),
        drainTimeoutSeconds: num('BENCH_DRAIN_TIMEOUT_SECONDS', 120, 60),
        withoutProcessorRun: num('BENCH_WITHOUT_PROCESSOR_RUN', 1, 0) > 0,
        rounds: Math.max(1, num('BENCH_ROUNDS', 2, 1)),
        pacedWarmupSeconds: num('BENCH_PACED_WARMUP_SECONDS', 3, 2),
        pacedRuns: Math.max(1, num('BENCH_PACED_RUNS', 3, 1)),
        withArchivingRun: num('BENCH_ARCHIVING_RUN', 1, 1) > 0,
        mediaBytes: num('BENCH_INGEST_MEDIA_BYTES', 1024 * 1024, 1024 * 1024),
      },
      log,
    ).run(),
  );
  const backfill = await section('backfill', only.includes('backfill'), () =>
    runBackfill(
      server,
      {
        calls: num('BENCH_BACKFILL_CALLS', 25_000, 5_000),
        rssCalls: num('BENCH_BACKFILL_RSS_CALLS', 100_000, 0),
        rateLimit: num('BENCH_BACKFILL_RATE_LIMIT', 60, 60),
        // 60 requests per 5 s: Aircall's budget 12× faster than real (60/min), well above what a real company allows.
        windowMs: num('BENCH_BACKFILL_WINDOW_MS', 5_000, 5_000),
      },
      log,
    ),
  );
  const graphql = await section('graphql', only.includes('graphql'), () =>
    new GraphqlBench(
      server,
      {
        calls: num('BENCH_GRAPHQL_CALLS', 1_000_000, 100_000),
        // About 100 pages per filter on each side, so each filter's p95 rests on more than a handful of pages.
        iterations: num('BENCH_GRAPHQL_ITERATIONS', 900, 90),
        statsIterations: num('BENCH_STATS_ITERATIONS', 20, 5),
        pageSize: num('BENCH_GRAPHQL_PAGE_SIZE', 50, 50),
      },
      log,
    ).run(),
  );
  const recordings = await section('recordings', only.includes('recordings'), () =>
    new RecordingsBench(
      server,
      {
        files: num('BENCH_RECORDINGS_FILES', 1_000, 100),
        bytes: num('BENCH_RECORDINGS_BYTES', 1024 * 1024, 1024 * 1024),
        // The service's default RECORDINGS_CONCURRENCY; the plain loop runs as many at once.
        concurrency: Math.max(1, num('BENCH_RECORDINGS_CONCURRENCY', 4, 4)),
        pollMs: Math.max(10, num('BENCH_RECORDINGS_POLL_MS', 50, 50)),
        timeoutSeconds: num('BENCH_RECORDINGS_TIMEOUT_SECONDS', 600, 120),
      },
      log,
    ).run(),
  );

  const finished = new Date();
  const results: BenchResults = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
    mode: quick ? 'quick' : 'full',
    machine: { ...machine, loadAverage: { atStart, atEnd: loadavg().map((l) => Math.round(l * 100) / 100) } },
    commit: commitInfo(),
    ingest,
    backfill,
    graphql,
    recordings,
    targets: [],
  };
  results.targets = evaluateTargets(results);
  // Stopped halfway: its figures are no run's, so neither bench/results nor docs/benchmarks.md take them.
  if (benchStopping()) return;

  const dir = resolve(env.BENCH_RESULTS_DIR ?? join(__dirname, '..', '..', 'bench', 'results'));
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const file = join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, json);
  writeFileSync(join(dir, 'latest.json'), json);
  const summary = markdownSummary(results);
  writeFileSync(join(dir, 'latest.md'), summary);
  process.stdout.write(summary);
  log(`results written to ${file}`);
  // A full run of every section is the figure of record: docs/benchmarks.md shows it, never a hand copy.
  if (!quick && !env.BENCH_ONLY && env.BENCH_UPDATE_DOCS !== '0') {
    const docs = join(__dirname, '..', '..', 'docs', 'benchmarks.md');
    const updated = existsSync(docs) ? withLatestRun(readFileSync(docs, 'utf8'), summary) : null;
    if (updated !== null) {
      writeFileSync(docs, updated);
      log(`docs/benchmarks.md updated`);
    } else log(`docs/benchmarks.md has no bench:latest markers: left as it is`);
  }
  const failed = [ingest, backfill, graphql, recordings].some((s) => s !== undefined && 'error' in s);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
