import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from 'mysql2/promise';
import { sampleValue } from '../../src/metrics/exposition';
import { SERVICE_NODE_FLAGS } from '../../src/node-flags';
import { adminGraphql, setRecordingArchiving } from '../support/admin-graphql';
import { ChildServer, freePort } from '../support/child-server';
import { trackChild } from '../support/children';
import { CoresUsed, coresUsed, MachineCpu, parseProcStat, readCpu } from '../support/cpu-usage';
import { GcPauses, gcPauses, gcPausesBetween } from '../support/gc-pauses';
import { runJsonChild } from '../support/json-child';
import { MysqlServer } from '../support/mysql-server';
import { ratio, round, sleep } from '../support/stats';
import type { MediaHostCommand, MediaHostOptions, MediaHostReady, MediaHostStats } from './media-host';
import type { PlainFetchOptions, PlainFetchResult } from './plain-fetch';
import { cores, processCpuSeconds, rssMb, RssSampler } from './process-readings';

export interface RecordingsOptions {
  /** Recordings archived (one per call). */
  files: number;
  /** Size of each, bytes. */
  bytes: number;
  /** RECORDINGS_CONCURRENCY of the service, and the baseline's workers. */
  concurrency: number;
  /** RECORDINGS_POLL_MS of the service. */
  pollMs: number;
  /** Longest the archive (or the rows becoming pending) may take before the section fails. */
  timeoutSeconds: number;
}

/** MB are MiB here, as in every RSS figure of the report. */
const MB = 1024 * 1024;

export interface CopyFigures {
  files: number;
  bytes: number;
  seconds: number;
  filesPerSecond: number;
  mbPerSecond: number;
}

export interface PlainFetchRun extends CopyFigures {
  /** The baseline process's own peak RSS (the sum of their peaks for several), MB (for scale: it holds no database pool, no framework). */
  peakRssMb: number;
  /** CPU the copying process spent per MB copied (every thread), ms. */
  cpuMsPerMb: number;
  /** Copying processes side by side: 1 for the plain loop, one per core for the checked loop. */
  processes: number;
  /**
   * Cores busy while it ran: the copying process, the simulator (≈ 1 would mean the simulator is what
   * bounds the copy), the machine's idle cores and what the hypervisor took.
   */
  cores: {
    copier: number | null;
    simulator: number | null;
    machineIdle: number | null;
    stolen: number | null;
  };
}

export interface RecordingsReport {
  /** The service's MB/s over the mean of the plain fetch loop's before and after it. */
  ratioToPlainFetch: number | null;
  /**
   * The checked loop's MB/s over the same mean: the leanest copy doing the issue's checks (SHA-256,
   * length, MD5 against the ETag, fdatasync and rename) and nothing else, on every core, run once.
   * A reference for what those checks cost on the machine, not a proven bound: an implementation
   * cleverer than this loop could beat it, but not by skipping the checks.
   */
  checkedLoopRatioToPlainFetch: number | null;
  /** The service's MB/s over the checked loop's: what the service costs beyond the checks. */
  ratioToCheckedLoop: number | null;
  /** The service's peak RSS from its start to its stop (webhook intake, archiving, idle). */
  peakRssMb: number;
  service: CopyFigures & {
    /** From switching archiving on to the first row archived. */
    firstArchivedSeconds: number;
    /** RSS just before archiving started, and its peak while archiving, MB. */
    rssBeforeMb: number;
    archivingPeakRssMb: number;
    /** Cores busy while archiving: the service's threads, the database, the simulator, the machine. */
    cores: CoresUsed & { simulator: number | null };
    /** CPU spent per MB archived, ms: the service's process (every thread), MariaDB, the simulator. */
    cpuMsPerMb: { service: number; database: number | null; simulator: number | null };
    /** The service's GC pauses while archiving, seconds by thread. */
    gcPauseSeconds: GcPauses;
    /** The service's main V8 heap and external memory (Buffers) just before and just after archiving. */
    heap: { before: HeapReading | null; after: HeapReading | null };
    /** What the simulator's media server answered while the service archived. */
    media: MediaHostStats;
  };
  baselines: {
    before: PlainFetchRun;
    after: PlainFetchRun;
    meanMbPerSecond: number;
    /** The checked loop, run between `before` and the service. */
    checked: PlainFetchRun;
  };
  setup: {
    /** The simulator's ETag of every file computed (HEAD each), before any measured phase. */
    etagWarmupSeconds: number;
    /** One unmeasured pass of the plain loop over every file, so no measured phase meets a cold simulator. */
    simulatorWarmupSeconds: number;
    /** call.comm_assets_generated sent for every call, until every call_media row was pending. */
    deliverSeconds: number;
    pendingSeconds: number;
  };
  settings: RecordingsOptions & { storage: 'local'; directory: string };
}

export interface HeapReading {
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
}

const BENCH_ENCRYPTION_KEY = Buffer.alloc(32, 19).toString('base64');
const BENCH_ADMIN_KEY = 'bench-recordings-admin-key-0123456789abcdef';

/**
 * Archiving recordings (issue 19): one simulated company whose `files` calls each gain a recording
 * of `bytes` by webhook while the account's archiving is switched off, so every `call_media` row is
 * pending before anything downloads; archiving is then switched on and the time to the last row
 * ARCHIVED is the figure (the service in its own process, RECORDINGS=archive, local storage, MariaDB).
 * Its baseline, the same run, same files, same filesystem and concurrency: a plain fetch-to-file loop
 * in a process of its own (plain-fetch.ts), once before the service archives and once after.
 */
export class RecordingsBench {
  constructor(
    private readonly server: MysqlServer,
    private readonly options: RecordingsOptions,
    private readonly log: (line: string) => void,
  ) {}

  async run(): Promise<RecordingsReport> {
    const o = this.options;
    const database = `aircall_bench_recordings_${process.pid}`;
    const root = await mkdtemp(join(tmpdir(), `aircall-bench-recordings-${process.pid}-`));
    const archiveDir = join(root, 'archive');
    let host: MediaHost | undefined;
    let service: ChildServer | undefined;
    let lifetime: RssSampler | undefined;
    let conn: Connection | undefined;
    try {
      await this.server.createDatabase(database);
      await this.server.migrate(database);
      this.log(
        `recordings: ${o.files} files of ${round(o.bytes / MB, 2)} MB, ${o.concurrency} at a time, temp dir ${root}`,
      );
      host = await MediaHost.start({ files: o.files, bytes: o.bytes });
      this.log(
        `recordings: simulator ready at ${host.ready.baseUrl}, ETags of ${o.files} files computed in ${host.ready.warmupSeconds} s`,
      );

      const port = await freePort();
      service = await ChildServer.start(
        'src/main.js',
        this.serviceEnv(this.server.urlOf(database), host.ready.baseUrl, port, archiveDir),
        port,
        '/health',
        SERVICE_NODE_FLAGS,
      );
      lifetime = new RssSampler(service.pid);
      conn = await this.server.connect(database);

      // Connected (webhook registered at the simulator, a backfill of BACKFILL_DAYS=0 days: nothing),
      // then archiving off for the account, so the rows only become pending.
      const { connectAccount } = await adminGraphql<{
        connectAccount: { id: string; webhookActive: boolean };
      }>(
        service.baseUrl,
        BENCH_ADMIN_KEY,
        'mutation ($apiId: String!, $apiToken: String!) { connectAccount(apiId: $apiId, apiToken: $apiToken) { id webhookActive } }',
        { apiId: host.ready.company.apiId, apiToken: host.ready.company.apiToken },
      );
      if (!connectAccount.webhookActive) throw new Error('the service registered no active webhook');
      const accountId = connectAccount.id;
      await setRecordingArchiving(service.baseUrl, BENCH_ADMIN_KEY, accountId, false);

      // Unmeasured: the simulator's sending path warms up (its CPU per MB falls from ≈ 7 ms to ≈ 4.3 ms
      // over its first thousand files), so the baseline before the service and the one after it both
      // meet a warm simulator, as the service does.
      const warmup = await this.plainFetch(host, join(root, 'plain-warmup'), 'warm-up, not measured');
      const before = await this.plainFetch(host, join(root, 'plain-before'), 'before');
      const checked = await this.plainFetch(host, join(root, 'checked'), 'checked', true);

      const deliverStarted = performance.now();
      const delivered = await host.request<{ delivered: number; failed: string[] }>('deliver');
      const deliverSeconds = (performance.now() - deliverStarted) / 1000;
      if (delivered.delivered !== o.files)
        throw new Error(
          `${delivered.delivered} of ${o.files} webhook deliveries answered 2xx (${delivered.failed.join('; ')})`,
        );
      const pending = await this.waitFor(conn, (c) => (c.pending ?? 0) >= o.files, 'every row pending');
      if (Object.values(pending).reduce((sum, n) => sum + n, 0) !== o.files)
        throw new Error(
          `call_media holds other rows than the ${o.files} recordings: ${JSON.stringify(pending)}`,
        );
      const pendingSeconds = (performance.now() - deliverStarted) / 1000;
      this.log(
        `recordings: ${o.files} webhooks delivered in ${round(deliverSeconds, 2)} s, every row pending after ${round(pendingSeconds, 2)} s`,
      );
      settleDisk();

      const mediaBefore = await host.request<MediaHostStats>('stats');
      const rssBeforeMb = rssMb(service.pid) ?? 0;
      const gcBefore = await gcPauses(service.baseUrl);
      const heapBefore = await heapOf(service.baseUrl);
      const archiving = new RssSampler(service.pid);
      const cpuBefore = readCpu(service.pid);
      const simulatorBefore = processCpuSeconds(host.pid);
      const startedAt = Date.now();
      await setRecordingArchiving(service.baseUrl, BENCH_ADMIN_KEY, accountId, true);
      await this.waitFor(conn, (c) => (c.archived ?? 0) >= o.files, 'every row archived', true);
      const cpuAfter = readCpu(service.pid);
      const simulatorAfter = processCpuSeconds(host.pid);
      const archivingPeakRssMb = archiving.stop();
      const gc = gcPausesBetween(gcBefore, await gcPauses(service.baseUrl));
      const heapAfter = await heapOf(service.baseUrl);
      const [times] = await conn.query(
        `SELECT MIN(archived_at) AS first, MAX(updated_at) AS last, SUM(size_bytes) AS bytes, COUNT(*) AS n
           FROM call_media WHERE status = 'archived'`,
      );
      const t = (times as Array<{ first: Date; last: Date; bytes: unknown; n: unknown }>)[0];
      const seconds = (t.last.getTime() - startedAt) / 1000;
      const bytes = Number(t.bytes);
      if (Number(t.n) !== o.files || bytes !== o.files * o.bytes)
        throw new Error(
          `the rows say ${Number(t.n)} files, ${bytes} bytes archived, not ${o.files} × ${o.bytes}`,
        );
      const onDisk = await bytesUnder(join(archiveDir, 'accounts'));
      if (onDisk !== bytes)
        throw new Error(`${onDisk} bytes in the archive directory, the rows say ${bytes}`);
      const mediaAfter = await host.request<MediaHostStats>('stats');
      const wall = cpuBefore && cpuAfter ? (cpuAfter.at - cpuBefore.at) / 1000 : 0;
      // From the raw CPU seconds of the readings (the switch to the last row seen), not the rounded cores.
      const perMb = (cpuSeconds: number | null) =>
        cpuSeconds === null ? null : round((cpuSeconds * 1000) / (bytes / MB), 2);
      const spent = (before: number | null | undefined, after: number | null | undefined) =>
        before === null || before === undefined || after === null || after === undefined
          ? null
          : after - before;
      const serviceCores = cpuBefore && cpuAfter ? coresUsed(cpuBefore, cpuAfter) : emptyCores();
      const simulatorCores = cores(simulatorBefore, simulatorAfter, wall);
      const serviceRun = {
        ...copyFigures(o.files, bytes, seconds),
        firstArchivedSeconds: round((t.first.getTime() - startedAt) / 1000, 3),
        rssBeforeMb: round(rssBeforeMb, 1),
        archivingPeakRssMb: round(archivingPeakRssMb, 1),
        cores: { ...serviceCores, simulator: simulatorCores },
        cpuMsPerMb: {
          service:
            perMb(
              (spent(cpuBefore?.serviceMain, cpuAfter?.serviceMain) ?? 0) +
                (spent(cpuBefore?.serviceOther, cpuAfter?.serviceOther) ?? 0),
            ) ?? 0,
          database: perMb(spent(cpuBefore?.database, cpuAfter?.database)),
          simulator: perMb(spent(simulatorBefore, simulatorAfter)),
        },
        gcPauseSeconds: gc,
        heap: { before: heapBefore, after: heapAfter },
        media: mediaDelta(mediaBefore, mediaAfter),
      };
      this.log(
        `recordings: the service archived ${o.files} files in ${serviceRun.seconds} s: ${serviceRun.filesPerSecond} files/s, ${serviceRun.mbPerSecond} MB/s (first after ${serviceRun.firstArchivedSeconds} s); RSS ${serviceRun.rssBeforeMb} MB before, peak ${serviceRun.archivingPeakRssMb} MB; cores: service main ${serviceRun.cores.serviceMain}, other threads ${serviceRun.cores.serviceOther}, database ${serviceRun.cores.database}, simulator ${serviceRun.cores.simulator}, machine idle ${serviceRun.cores.machineIdle}, stolen ${serviceRun.cores.stolen}; GC pauses main ${gc.main} s (full ${gc.mainMajor} s); heap used/total/external MB ${describeHeap(heapBefore)} before, ${describeHeap(heapAfter)} after; media answers ${JSON.stringify(serviceRun.media.byStatus)}`,
      );
      await rm(archiveDir, { recursive: true, force: true });
      settleDisk();

      const after = await this.plainFetch(host, join(root, 'plain-after'), 'after');
      const meanMbPerSecond = round((before.mbPerSecond + after.mbPerSecond) / 2, 1);
      const peakRssMb = round(lifetime.stop(), 1);
      return {
        ratioToPlainFetch: ratio(serviceRun.mbPerSecond, meanMbPerSecond),
        checkedLoopRatioToPlainFetch: ratio(checked.mbPerSecond, meanMbPerSecond),
        ratioToCheckedLoop: ratio(serviceRun.mbPerSecond, checked.mbPerSecond),
        peakRssMb,
        service: serviceRun,
        baselines: { before, after, meanMbPerSecond, checked },
        setup: {
          etagWarmupSeconds: host.ready.warmupSeconds,
          simulatorWarmupSeconds: warmup.seconds,
          deliverSeconds: round(deliverSeconds, 2),
          pendingSeconds: round(pendingSeconds, 2),
        },
        settings: { ...o, storage: 'local', directory: tmpdir() },
      };
    } finally {
      lifetime?.stop();
      await conn?.end().catch(() => undefined);
      await service?.stop();
      await host?.stop();
      await this.server.dropDatabase(database).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  }

  /** A baseline (the plain loop, or the checked one) over fresh links of the same files, then its files removed. */
  private async plainFetch(
    host: MediaHost,
    dir: string,
    which: string,
    checked = false,
  ): Promise<PlainFetchRun> {
    const links = await host.request<string[]>('links');
    // The checked loop hashes on every core (a process per core, the links and the concurrency
    // shared among them); the plain loop is the issue's single process.
    const processes = checked ? Math.max(1, Math.min(availableParallelism(), this.options.concurrency)) : 1;
    const shares = await writeShares(links, `${dir}.links.json`, dir, this.options.concurrency, processes);
    const simulatorBefore = processCpuSeconds(host.pid);
    const machineBefore = machineCpu();
    const startedAt = performance.now();
    const result = await runCopiers(shares, checked);
    const wall = (performance.now() - startedAt) / 1000;
    const simulatorAfter = processCpuSeconds(host.pid);
    const machineAfter = machineCpu();
    if (result.bytes !== this.options.files * this.options.bytes)
      throw new Error(
        `the ${checked ? 'checked' : 'plain'} loop wrote ${result.bytes} bytes, not ${this.options.files} × ${this.options.bytes}`,
      );
    await rm(dir, { recursive: true, force: true });
    for (const share of shares) await rm(share.linksFile, { force: true });
    settleDisk();
    const run: PlainFetchRun = {
      ...copyFigures(result.files, result.bytes, result.seconds),
      peakRssMb: result.peakRssMb,
      cpuMsPerMb: round((result.cpuSeconds * 1000) / (result.bytes / MB), 2),
      processes,
      cores: {
        copier: round(result.cpuSeconds / result.seconds, 2),
        // Over the child's whole life (its start included): the simulator is idle in it, so this errs low.
        simulator: cores(simulatorBefore, simulatorAfter, wall),
        machineIdle:
          machineBefore && machineAfter ? round((machineAfter.idle - machineBefore.idle) / wall, 2) : null,
        stolen:
          machineBefore && machineAfter
            ? round((machineAfter.stolen - machineBefore.stolen) / wall, 2)
            : null,
      },
    };
    this.log(
      `recordings: ${checked ? `checked loop in ${processes} processes` : 'plain fetch loop'} (${which}): ${run.seconds} s, ${run.filesPerSecond} files/s, ${run.mbPerSecond} MB/s, ${run.cpuMsPerMb} ms of CPU per MB; cores: the loop ${run.cores.copier}, simulator ${run.cores.simulator}, machine idle ${run.cores.machineIdle}, stolen ${run.cores.stolen}; its RSS ${run.peakRssMb} MB`,
    );
    return run;
  }

  /** Polls call_media's counts by status until `done`; fails on a failed or expired row, or the timeout. */
  private async waitFor(
    conn: Connection,
    done: (counts: Record<string, number>) => boolean,
    what: string,
    failOnGiveUp = false,
  ): Promise<Record<string, number>> {
    const deadline = Date.now() + this.options.timeoutSeconds * 1000;
    let counts: Record<string, number> = {};
    while (Date.now() < deadline) {
      const [rows] = await conn.query('SELECT status, COUNT(*) AS n FROM call_media GROUP BY status');
      counts = Object.fromEntries(
        (rows as Array<{ status: string; n: unknown }>).map((r) => [r.status, Number(r.n)]),
      );
      if (done(counts)) return counts;
      if (failOnGiveUp && ((counts.failed ?? 0) > 0 || (counts.expired ?? 0) > 0)) {
        const [errors] = await conn.query(
          `SELECT status, last_error FROM call_media WHERE status IN ('failed', 'expired') LIMIT 3`,
        );
        throw new Error(
          `rows gave up while archiving (${JSON.stringify(counts)}): ${JSON.stringify(errors)}`,
        );
      }
      await sleep(100);
    }
    throw new Error(`${what}: not within ${this.options.timeoutSeconds} s (${JSON.stringify(counts)})`);
  }

  private serviceEnv(
    databaseUrl: string,
    simulatorUrl: string,
    port: number,
    archiveDir: string,
  ): Record<string, string> {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      LOG_LEVEL: 'warn',
      SYNC_CRON: 'off',
      WEBHOOK_CHECK_CRON: 'off',
      // The simulator's calls are of the last hours: a backfill of 0 days fetches none of them.
      BACKFILL_DAYS: '0',
      AIRCALL_API_URL: simulatorUrl,
      AIRCALL_DASHBOARD_URL: simulatorUrl,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      RECORDINGS: 'archive',
      RECORDINGS_STORAGE: 'local',
      RECORDINGS_DIR: archiveDir,
      RECORDINGS_ALLOWED_HOSTS: new URL(simulatorUrl).host,
      RECORDINGS_CONCURRENCY: String(this.options.concurrency),
      RECORDINGS_POLL_MS: String(this.options.pollMs),
    };
  }
}

/** The main thread's V8 heap and external memory from prom-client's default metrics (GET /metrics). */
async function heapOf(baseUrl: string): Promise<HeapReading | null> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    const mb = (name: string) => round((sampleValue(text, name) ?? NaN) / MB, 1);
    return {
      heapTotalMb: mb('nodejs_heap_size_total_bytes'),
      heapUsedMb: mb('nodejs_heap_size_used_bytes'),
      externalMb: mb('nodejs_external_memory_bytes'),
    };
  } catch {
    return null;
  }
}

function describeHeap(heap: HeapReading | null): string {
  return heap ? `${heap.heapUsedMb}/${heap.heapTotalMb}/${heap.externalMb}` : 'n/a';
}

function copyFigures(files: number, bytes: number, seconds: number): CopyFigures {
  return {
    files,
    bytes,
    seconds: round(seconds, 2),
    filesPerSecond: round(files / seconds, 1),
    mbPerSecond: round(bytes / MB / seconds, 1),
  };
}

function mediaDelta(before: MediaHostStats, after: MediaHostStats): MediaHostStats {
  const byStatus: Record<string, number> = {};
  for (const [status, n] of Object.entries(after.byStatus)) {
    const delta = n - (before.byStatus[status] ?? 0);
    if (delta > 0) byStatus[status] = delta;
  }
  return {
    requests: after.requests - before.requests,
    byStatus,
    completed: after.completed - before.completed,
    bytesSent: after.bytesSent - before.bytesSent,
  };
}

function emptyCores(): CoresUsed {
  return {
    serviceMain: 0,
    serviceOther: 0,
    database: null,
    generator: 0,
    total: 0,
    machineIdle: null,
    stolen: null,
  };
}

function machineCpu(): MachineCpu | null {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Writes what the page cache holds of earlier phases to disk, so no phase pays for the writes of the
 * one before (the baseline does not fsync; its files are deleted before this, so mostly nothing is left).
 */
function settleDisk(): void {
  try {
    execFileSync('sync');
  } catch {
    // no sync(1): the phases run back to back
  }
}

/** Bytes of every file under `dir`. */
async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

/** The simulator process (media-host.ts), driven over its IPC channel. */
class MediaHost {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: MediaHostReady,
    private readonly stderr: () => string,
  ) {
    child.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
      const waiter = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id!);
      if (message.error !== undefined) waiter.reject(new Error(`simulator: ${message.error}`));
      else waiter.resolve(message.result);
    });
    child.once('exit', (code) => {
      for (const waiter of this.waiting.values())
        waiter.reject(new Error(`the simulator exited (${code}): ${this.stderr()}`));
      this.waiting.clear();
    });
  }

  static async start(options: MediaHostOptions): Promise<MediaHost> {
    const child = trackChild(
      fork(join(__dirname, 'media-host.js'), [JSON.stringify(options)], {
        execArgv: [],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      }),
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const ready = await new Promise<MediaHostReady>((resolveReady, reject) => {
      const exited = (code: number | null) =>
        reject(new Error(`the simulator exited (${code}) before it was ready: ${stderr}`));
      child.once('exit', exited);
      child.once('message', (message: { ready?: MediaHostReady }) => {
        child.off('exit', exited);
        if (message.ready) resolveReady(message.ready);
        else reject(new Error(`the simulator sent ${JSON.stringify(message)} before it was ready`));
      });
    });
    return new MediaHost(child, ready, () => stderr);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  request<T>(command: MediaHostCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** One copier's share of the links: its links file, its folder and its workers. */
interface CopierShare {
  linksFile: string;
  dir: string;
  concurrency: number;
}

/** Deals `links` to `processes` copiers round robin, `concurrency` workers among them, each its file. */
async function writeShares(
  links: readonly string[],
  linksFile: string,
  dir: string,
  concurrency: number,
  processes: number,
): Promise<CopierShare[]> {
  return Promise.all(
    Array.from({ length: processes }, async (_, k) => {
      const share = { linksFile: `${linksFile}.${k}`, dir: join(dir, String(k)) };
      await writeFile(
        share.linksFile,
        JSON.stringify(links.filter((_link, index) => index % processes === k)),
      );
      return {
        ...share,
        concurrency: Math.floor(concurrency / processes) + (k < concurrency % processes ? 1 : 0),
      };
    }),
  );
}

/**
 * Runs plain-fetch.js once per share, side by side (each of Node's defaults, no service flags); a
 * failure is thrown once every copier has ended, so none still writes when the caller cleans up.
 */
async function runCopiers(shares: readonly CopierShare[], checked: boolean): Promise<PlainFetchResult> {
  const settled = await Promise.allSettled(shares.map((share) => runPlainFetch({ ...share, checked })));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return combineCopiers(settled.map((r) => (r as PromiseFulfilledResult<PlainFetchResult>).value));
}

/**
 * What copiers run side by side did together: the span from the first start to the last end, the
 * sums of their files, bytes and CPU, and the sum of their peak RSS (an upper bound of the peak of
 * the whole: they need not peak at once).
 */
export function combineCopiers(runs: readonly PlainFetchResult[]): PlainFetchResult {
  if (runs.length === 0) throw new Error('no copier ran');
  const startedAtMs = Math.min(...runs.map((r) => r.startedAtMs));
  const endedAtMs = Math.max(...runs.map((r) => r.endedAtMs));
  const sum = (field: 'files' | 'bytes' | 'cpuSeconds' | 'peakRssMb') =>
    runs.reduce((total, r) => total + r[field], 0);
  return {
    files: sum('files'),
    bytes: sum('bytes'),
    seconds: (endedAtMs - startedAtMs) / 1000,
    startedAtMs,
    endedAtMs,
    cpuSeconds: sum('cpuSeconds'),
    peakRssMb: round(sum('peakRssMb'), 1),
  };
}

/** Runs plain-fetch.js in its own process (Node's defaults, no service flags) and returns its result. */
function runPlainFetch(options: PlainFetchOptions): Promise<PlainFetchResult> {
  // BENCH_CPU_PROFILE_DIR profiles the baseline too, to set the service's profile beside it.
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [];
  return runJsonChild<PlainFetchResult>(
    [...nodeArgs, join(__dirname, 'plain-fetch.js'), JSON.stringify(options)],
    'the plain fetch loop',
  );
}
