import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'mysql2/promise';
import { SERVICE_NODE_FLAGS } from '../../src/node-flags';
import { setRecordingArchiving } from '../support/admin-graphql';
import { ChildServer, freePort } from '../support/child-server';
import { CoresUsed, coresUsed, readCpu } from '../support/cpu-usage';
import { GcPauses, gcPauses, gcPausesBetween } from '../support/gc-pauses';
import { LoadResult, runLoad } from '../support/load';
import { PacedLoadResult, runPacedLoad } from '../support/paced-load';
import { MysqlServer } from '../support/mysql-server';
import { distribution, Distribution, ratio, round, sleep } from '../support/stats';
import { runRawInsert, RawInsertResult } from './raw-insert';
import { WebhookDeliveries } from './webhook-deliveries';

export interface IngestOptions {
  accounts: number;
  connections: number;
  warmupSeconds: number;
  runSeconds: number;
  rawInsertRows: number;
  /** How long to wait for the processor to apply the backlog before giving up on a drain. */
  drainTimeoutSeconds: number;
  /** Also measure the service with its inbox processor off (how much applying costs the intake). */
  withoutProcessorRun: boolean;
  /** Interleaved measurement rounds; each contender's best round counts. */
  rounds: number;
  /** Seconds of the 80 % run sent before its measured window (the step from idle is reported apart). */
  pacedWarmupSeconds: number;
  /** Runs at 80 %, each on emptied tables; the figures are the median run's (one 12 s run is a coin toss near a target). */
  pacedRuns: number;
  /**
   * Also measure the service with RECORDINGS=archive (issue 19: its ingestion figures within 5 % of
   * archiving off), archiving for real from a local media host every recording and voicemail the
   * deliveries carry, each of `mediaBytes`.
   */
  withArchivingRun: boolean;
  mediaBytes: number;
}

interface ServerUnderTest {
  key: string;
  label: string;
  script: string;
  env: (databaseUrl: string) => Record<string, string>;
  /** The service's own V8 flags (as `npm start` runs it); the baselines run with Node's defaults. */
  nodeFlags?: readonly string[];
}

/** received → applied lags of a window; events not applied in time count as the whole drain timeout. */
type ApplyLag = Distribution & { notAppliedWithinTimeout: number };

export interface IngestReport {
  eventsPerSecond: number;
  ratioToRawInsert: number | null;
  ratioToNaive: number | null;
  ratioToRawHttp: number | null;
  p50AckMs: number;
  p99AckMs: number;
  p99AckMsAtSaturation: number;
  loadAt80Percent: {
    /** The service's saturation rate measured just before (same table state); 80 % of the lower of it and the best round. */
    capacityBefore: number;
    targetRate: number;
    achievedRate: number;
    p50AckMs: number;
    p99AckMs: number;
    non2xx: number;
    /** The first seconds at that rate, right after the step from idle: not in the figures above. */
    warmup: PacedLoadResult['warmup'];
    /** The load generator's own event-loop lateness during the measured window (see paced-load.ts). */
    generatorLoopDelayMs: PacedLoadResult['generatorLoopDelayMs'];
    /** The service's GC pauses during that run (its warm-up included), seconds by thread. */
    gcPauseSeconds: GcPauses;
    /** Cores kept busy during that run, by part (null without /proc). */
    cpuCores: CoresUsed | null;
    /** Every run at that rate, in order: the figures above are the run with the median ack p99. */
    runs: Array<{
      achievedRate: number;
      p50AckMs: number;
      p99AckMs: number;
      p99ApplyLagMs: number;
      gcPauseSeconds: GcPauses;
      cpuCores: CoresUsed | null;
    }>;
  };
  p99ApplyLagMs: number;
  applyLagMs: ApplyLag;
  processor: { appliedPerSecond: number; drainSeconds: number };
  service: LoadResult;
  serviceWithoutProcessor: LoadResult | null;
  baselines: { rawInsert: RawInsertResult; naive: LoadResult; rawHttp: LoadResult };
  /** The service with RECORDINGS=archive against itself with archiving off (null when not measured). */
  archivingOn: ArchivingOnReport | null;
  settings: IngestOptions & { meanBodyBytes: number };
}

export interface ArchivingOnReport {
  /** Its best round's 2xx/s over the service's (RECORDINGS=links, the default). */
  ratioToArchivingOff: number | null;
  eventsPerSecond: number;
  p99AckMsAtSaturation: number;
  /**
   * As many runs at the rate of the service's 80 % runs (the same traffic, which may be more than it
   * can take with archiving on: `achievedRate` below `targetRate` says so). The figures are the run
   * with the median ack p99 and the median of the runs' lag p99s, as for the service.
   */
  at80: {
    targetRate: number;
    achievedRate: number;
    p50AckMs: number;
    p99AckMs: number;
    p99ApplyLagMs: number;
    cpuCores: CoresUsed | null;
    runs: Array<{ achievedRate: number; p99AckMs: number; p99ApplyLagMs: number }>;
  };
  /** Its p99 ack at that rate over the service's. */
  p99AckRatioToArchivingOff: number | null;
  /** Its p99 apply lag at that rate over the service's. */
  p99ApplyLagRatioToArchivingOff: number | null;
  /** What it archived over its rounds and 80 % runs, and how fast over their time (load and drain). */
  archived: { files: number; mb: number; mbPerSecond: number };
  service: LoadResult;
}

const BENCH_ENCRYPTION_KEY = Buffer.alloc(32, 11).toString('base64');
/** Production refuses to start without a way into the API; only the archiving contender uses it. */
const BENCH_ADMIN_KEY = 'bench-ingest-admin-key-0123456789abcdef';

interface BenchAccount {
  id: string;
  token: string;
}

/**
 * Webhook ingestion: the real service (its own process, production settings) under autocannon,
 * against three references measured in the same run on the same server — the database's raw insert
 * limit, the naive one-upsert-per-request design, and the service's own inbox behind bare node:http.
 */
export class IngestBench {
  private readonly accounts: BenchAccount[];
  /** Built in run(): with archiving measured, their links point at the media host started there. */
  private deliveries: WebhookDeliveries;
  private readonly log: (line: string) => void;

  constructor(
    private readonly server: MysqlServer,
    private readonly options: IngestOptions,
    log: (line: string) => void,
  ) {
    this.log = log;
    this.accounts = Array.from({ length: options.accounts }, (_, i) => ({
      id: String(7_000_001 + i),
      token: randomBytes(16).toString('hex'),
    }));
    this.deliveries = new WebhookDeliveries(this.accounts.map((a) => a.token));
  }

  async run(): Promise<IngestReport> {
    let media: ChildServer | null = null;
    let archiveDir: string | null = null;
    try {
      if (this.options.withArchivingRun) {
        archiveDir = await mkdtemp(join(tmpdir(), `aircall-bench-ingest-archive-${process.pid}-`));
        const port = await freePort();
        media = await ChildServer.start(
          'bench/ingest/media-server.js',
          { MEDIA_BYTES: String(this.options.mediaBytes) },
          port,
          '/ready',
        );
        this.deliveries = new WebhookDeliveries(
          this.accounts.map((a) => a.token),
          undefined,
          undefined,
          media.baseUrl,
        );
      }
      return await this.measure(media, archiveDir);
    } finally {
      await media?.stop();
      if (archiveDir) await rm(archiveDir, { recursive: true, force: true });
    }
  }

  private async measure(media: ChildServer | null, archiveDir: string | null): Promise<IngestReport> {
    const servers: ServerUnderTest[] = [
      {
        key: 'naive',
        label: 'naive (Express, one upsert per request)',
        script: 'bench/ingest/naive-server.js',
        env: (url) => ({
          DATABASE_URL: url,
          BENCH_TOKENS: this.accounts.map((a) => `${a.token}:${a.id}`).join(','),
        }),
      },
      {
        key: 'rawhttp',
        label: 'raw node:http + WebhookInbox',
        script: 'bench/ingest/raw-http-server.js',
        // The service's configuration rules apply to its inbox settings here too (ENCRYPTION_KEY is required on MySQL).
        env: (url) => ({ DATABASE_URL: url, ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY }),
      },
      ...(this.options.withoutProcessorRun
        ? [
            {
              key: 'noproc',
              label: 'service, inbox processor off',
              script: 'src/main.js',
              env: (url: string) => ({ ...this.serviceEnv(url), INBOX_PROCESSOR: 'false' }),
              nodeFlags: SERVICE_NODE_FLAGS,
            },
          ]
        : []),
      {
        key: 'service',
        label: 'service',
        script: 'src/main.js',
        env: (url) => this.serviceEnv(url),
        nodeFlags: SERVICE_NODE_FLAGS,
      },
      ...(media && archiveDir
        ? [
            {
              key: 'archive',
              label: 'service, archiving on',
              script: 'src/main.js',
              env: (url: string) => ({
                ...this.serviceEnv(url),
                RECORDINGS: 'archive',
                RECORDINGS_STORAGE: 'local',
                RECORDINGS_DIR: archiveDir,
                RECORDINGS_ALLOWED_HOSTS: new URL(media.baseUrl).host,
              }),
              nodeFlags: SERVICE_NODE_FLAGS,
            },
          ]
        : []),
    ];
    const databases: string[] = [];
    const running = new Map<string, { child: ChildServer; database: string }>();
    try {
      const rawDatabase = await this.database('raw');
      databases.push(rawDatabase);
      for (const s of servers) {
        const database = await this.database(s.key);
        databases.push(database);
        const child = await ChildServer.start(
          s.script,
          s.env(this.server.urlOf(database)),
          await freePort(),
          '/aircall/webhook',
          s.nodeFlags,
        );
        running.set(s.key, { child, database });
        await this.load(child.baseUrl, this.options.warmupSeconds);
      }
      const serviceDb = await this.server.connect(running.get('service')!.database);
      const archive = running.get('archive');
      const archiveDb = archive ? await this.server.connect(archive.database) : null;
      /** What the archiving contender archived over its measured phases, and their time (load + drain). */
      const archived = { files: 0, bytes: 0, seconds: 0 };
      /**
       * Ends a phase of the archiving contender: archiving switched off for its accounts, every claimed
       * file finished, the files of the phase counted (unless `count` is false: the warm-up), its
       * table and folder emptied, archiving switched back on. No download of one phase runs into the
       * next contender's.
       */
      const switchArchiving = async (enabled: boolean) => {
        for (const account of this.accounts)
          await setRecordingArchiving(archive!.child.baseUrl, BENCH_ADMIN_KEY, account.id, enabled);
      };
      const stopArchiving = async (count = true) => {
        // Nothing new is claimed from here on; what is claimed runs to its end.
        await switchArchiving(false);
        await this.waitForNoClaims(archiveDb!);
        if (count) {
          const [rows] = await archiveDb!.query(
            `SELECT COUNT(*) AS n, COALESCE(SUM(size_bytes), 0) AS bytes FROM call_media WHERE status = 'archived'`,
          );
          const done = (rows as Array<{ n: unknown; bytes: unknown }>)[0];
          archived.files += Number(done.n);
          archived.bytes += Number(done.bytes);
        }
        await archiveDb!.query('TRUNCATE TABLE call_media');
        await rm(join(archiveDir!, 'accounts'), { recursive: true, force: true });
        await switchArchiving(true);
      };
      try {
        // Its warm-up left downloads running and rows to archive: none may run into round 1.
        if (archiveDb) {
          await this.drain(archiveDb);
          await stopArchiving(false);
        }
        // Rounds interleave every contender, so a burst of load from elsewhere on the machine hits all
        // of them alike; each one's best round is its capacity.
        const best = new Map<string, LoadResult>();
        let rawInsert: RawInsertResult | null = null;
        let processor = { appliedPerSecond: 0, drainSeconds: 0 };
        const accountOf = new Map(this.accounts.map((a) => [a.token, a.id]));
        for (let round = 1; round <= this.options.rounds; round++) {
          this.log(`ingest: round ${round}/${this.options.rounds}`);
          // Every round starts each contender on the same empty tables: otherwise whoever ran more rows
          // before works on a bigger table (random primary keys, a 128 MB buffer pool) and rounds drift.
          await this.drain(serviceDb);
          for (const database of databases) await this.emptyTables(database);
          const raw = await runRawInsert(
            this.server.urlOf(rawDatabase),
            this.deliveries,
            (t) => accountOf.get(t)!,
            this.options.rawInsertRows,
          );
          this.log(
            `ingest: raw multi-row INSERT: ${raw.rowsPerSecond} rows/s (${JSON.stringify(raw.byConnections)} by connections)`,
          );
          if (!rawInsert || raw.rowsPerSecond > rawInsert.rowsPerSecond) rawInsert = raw;
          for (const s of servers) {
            const { child } = running.get(s.key)!;
            const started = Date.now();
            const appliedBefore = s.key === 'service' ? await this.count(serviceDb, `status = 'applied'`) : 0;
            const result = roundLoad(await this.load(child.baseUrl, this.options.runSeconds));
            this.log(
              `ingest: ${s.label}: ${result.okPerSecond} 2xx/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
            );
            if (s.key === 'archive') {
              await this.drain(archiveDb!);
              archived.seconds += (Date.now() - started) / 1000;
              await stopArchiving();
            }
            if (s.key === 'service') {
              const drainSeconds = await this.drain(serviceDb);
              const applied = (await this.count(serviceDb, `status = 'applied'`)) - appliedBefore;
              const appliedPerSecond = round1(applied / ((Date.now() - started) / 1000));
              this.log(
                `ingest: processor applied ${applied} events at ${appliedPerSecond}/s (backlog drained ${drainSeconds} s after the run)`,
              );
              if ((best.get(s.key)?.okPerSecond ?? -1) < result.okPerSecond)
                processor = { appliedPerSecond, drainSeconds };
            }
            if ((best.get(s.key)?.okPerSecond ?? -1) < result.okPerSecond) best.set(s.key, result);
          }
        }
        const service = best.get('service')!;
        const at80 = await this.at80Percent(running.get('service')!, serviceDb, service, databases);
        let archivingOn: ArchivingOnReport | null = null;
        if (archive && archiveDb) {
          const loaded = best.get('archive')!;
          // The same deliveries at the same rate as the service's 80 % runs, as many runs: Aircall sends
          // what it sends whether the service archives or not.
          const runs: PacedRun[] = [];
          for (let n = 1; n <= this.options.pacedRuns; n++) {
            const started = Date.now();
            const paced = await this.pacedRun(archive.child, archiveDb, archive.database, at80.targetRate);
            archived.seconds += (Date.now() - started) / 1000;
            await stopArchiving();
            this.log(
              `ingest: service, archiving on, at the service's 80% rate (${at80.targetRate}/s), run ${n}: ${describeRun(paced)}`,
            );
            runs.push(paced);
          }
          const run = medianBy(runs, (r) => r.load.latencyMs.p99);
          const lag = medianBy(runs, (r) => r.lag.p99).lag;
          const mb = archived.bytes / (1024 * 1024);
          archivingOn = {
            ratioToArchivingOff: ratio(loaded.okPerSecond, service.okPerSecond),
            eventsPerSecond: loaded.okPerSecond,
            p99AckMsAtSaturation: loaded.latencyMs.p99,
            at80: {
              targetRate: at80.targetRate,
              achievedRate: run.load.okPerSecond,
              p50AckMs: run.load.latencyMs.p50,
              p99AckMs: run.load.latencyMs.p99,
              p99ApplyLagMs: lag.p99,
              cpuCores: run.cpu,
              runs: runs.map((r) => ({
                achievedRate: r.load.okPerSecond,
                p99AckMs: r.load.latencyMs.p99,
                p99ApplyLagMs: r.lag.p99,
              })),
            },
            p99AckRatioToArchivingOff: ratio(run.load.latencyMs.p99, at80.load.latencyMs.p99),
            p99ApplyLagRatioToArchivingOff: ratio(lag.p99, at80.lag.p99),
            archived: {
              files: archived.files,
              mb: round(mb, 1),
              mbPerSecond: round(mb / Math.max(1, archived.seconds), 1),
            },
            service: loaded,
          };
          this.log(
            `ingest: archiving on: ${archived.files} files (${round(mb, 0)} MB) archived while loaded and draining (${round(archived.seconds, 0)} s)`,
          );
        }
        const naive = best.get('naive')!;
        const rawHttp = best.get('rawhttp')!;
        const eventsPerSecond = service.okPerSecond;
        return {
          eventsPerSecond,
          ratioToRawInsert: ratio(eventsPerSecond, rawInsert!.rowsPerSecond),
          ratioToNaive: ratio(eventsPerSecond, naive.okPerSecond),
          ratioToRawHttp: ratio(eventsPerSecond, rawHttp.okPerSecond),
          p50AckMs: service.latencyMs.p50,
          p99AckMs: at80.load.latencyMs.p99,
          p99AckMsAtSaturation: service.latencyMs.p99,
          loadAt80Percent: {
            capacityBefore: at80.capacityBefore,
            targetRate: at80.targetRate,
            achievedRate: at80.load.okPerSecond,
            p50AckMs: at80.load.latencyMs.p50,
            p99AckMs: at80.load.latencyMs.p99,
            non2xx: at80.load.non2xx,
            warmup: at80.warmup,
            generatorLoopDelayMs: at80.generatorLoopDelayMs,
            gcPauseSeconds: at80.gc,
            cpuCores: at80.cpu,
            runs: at80.runs.map((r) => ({
              achievedRate: r.load.okPerSecond,
              p50AckMs: r.load.latencyMs.p50,
              p99AckMs: r.load.latencyMs.p99,
              p99ApplyLagMs: r.lag.p99,
              gcPauseSeconds: r.gc,
              cpuCores: r.cpu,
            })),
          },
          p99ApplyLagMs: at80.lag.p99,
          applyLagMs: at80.lag,
          processor,
          service,
          serviceWithoutProcessor: best.get('noproc') ?? null,
          baselines: { rawInsert: rawInsert!, naive, rawHttp },
          archivingOn,
          settings: { ...this.options, meanBodyBytes: this.deliveries.meanBodyBytes },
        };
      } finally {
        await serviceDb.end();
        await archiveDb?.end();
      }
    } finally {
      for (const { child } of running.values()) await child.stop();
      for (const database of databases) await this.server.dropDatabase(database);
    }
  }

  /**
   * The service at 80 % of its capacity: ack latency, then received → applied lag of each window.
   * Capacity is measured again right before, on the same emptied tables: the host's speed drifts
   * during a run, and 80 % of a faster moment's rate would be an overload, not 80 %. Several runs at
   * that rate, each on emptied tables; the reported run is the one with the median ack p99 and the lag
   * figure is the median of the runs' lag p99s (on this shared machine one run's p99 swings 2–3×).
   */
  private async at80Percent(
    { child, database }: { child: ChildServer; database: string },
    conn: Connection,
    best: LoadResult,
    databases: string[],
  ) {
    await this.drain(conn);
    for (const database of databases) await this.emptyTables(database);
    const before = roundLoad(await this.load(child.baseUrl, this.options.runSeconds));
    this.log(`ingest: service capacity before the 80% run: ${before.okPerSecond}/s`);
    const capacityBefore = before.okPerSecond;
    const targetRate = Math.max(1, Math.round(Math.min(best.okPerSecond, capacityBefore) * 0.8));
    const runs: PacedRun[] = [];
    for (let run = 1; run <= this.options.pacedRuns; run++) {
      const paced = await this.pacedRun(child, conn, database, targetRate);
      this.log(`ingest: service at 80% (${targetRate}/s), run ${run}: ${describeRun(paced)}`);
      runs.push(paced);
    }
    const median = medianBy(runs, (r) => r.load.latencyMs.p99);
    const lag = medianBy(runs, (r) => r.lag.p99).lag;
    return { capacityBefore, targetRate, ...median, lag, runs };
  }

  /**
   * One evenly paced run at `targetRate` on emptied tables: ack latency, then the received → applied
   * lag of its window, with the GC pauses and cores of the run.
   */
  private async pacedRun(
    child: ChildServer,
    conn: Connection,
    database: string,
    targetRate: number,
  ): Promise<PacedRun> {
    await this.drain(conn);
    await this.emptyTables(database);
    const windowStart = new Date();
    const gcBefore = await gcPauses(child.baseUrl);
    const cpuBefore = readCpu(child.pid);
    // Evenly paced (open loop), not autocannon's rate option: see paced-load.ts. The load steps from
    // idle to the full rate onto emptied tables; its first seconds are reported apart from the
    // sustained figures (the same transient shows on the bare node:http reference).
    const paced = await runPacedLoad({
      url: child.baseUrl,
      path: '/aircall/webhook',
      rate: targetRate,
      warmupSeconds: this.options.pacedWarmupSeconds,
      durationSeconds: this.options.runSeconds,
      connections: this.options.connections,
      nextBody: () => this.deliveries.next(),
    });
    const cpuAfter = readCpu(child.pid);
    const cpu = cpuBefore && cpuAfter ? coresUsed(cpuBefore, cpuAfter) : null;
    const gc = gcPausesBetween(gcBefore, await gcPauses(child.baseUrl));
    const load = roundLoad(paced);
    const { warmup, generatorLoopDelayMs } = paced;
    await this.drain(conn);
    const lag = await this.applyLag(conn, windowStart);
    return { load, warmup, generatorLoopDelayMs, lag, gc, cpu };
  }

  /** Waits until no `call_media` row is claimed: every download started has finished. */
  private async waitForNoClaims(conn: Connection): Promise<void> {
    const deadline = Date.now() + this.options.drainTimeoutSeconds * 1000;
    for (;;) {
      const [rows] = await conn.query('SELECT COUNT(*) AS n FROM call_media WHERE claimed_by IS NOT NULL');
      const claimed = Number((rows as Array<{ n: unknown }>)[0].n);
      if (claimed === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `${claimed} recordings still claimed ${this.options.drainTimeoutSeconds} s after archiving was switched off`,
        );
      await sleep(100);
    }
  }

  /** Empties what the contenders write (inbox, calls and the directory), keeping the accounts. */
  private async emptyTables(database: string): Promise<void> {
    const conn = await this.server.connect(database);
    try {
      await conn.query('SET FOREIGN_KEY_CHECKS = 0');
      for (const table of [
        'webhook_events',
        'call_media',
        'call_comments',
        'call_tags',
        'call_teams',
        'calls',
        'team_users',
        'users',
        'numbers',
        'teams',
        'tags',
        'contacts',
      ])
        await conn.query(`TRUNCATE TABLE ${table}`);
    } finally {
      await conn.end();
    }
  }

  private serviceEnv(databaseUrl: string): Record<string, string> {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      LOG_LEVEL: 'warn',
      SYNC_CRON: 'off',
      WEBHOOK_CHECK_CRON: 'off',
      // Never Aircall: nothing in this benchmark may leave the machine.
      AIRCALL_API_URL: 'http://127.0.0.1:9',
      AIRCALL_DASHBOARD_URL: 'http://127.0.0.1:9',
    };
  }

  /** A migrated throwaway database holding the bench accounts (the caller drops it). */
  private async database(purpose: string): Promise<string> {
    const name = `aircall_bench_${purpose}_${process.pid}`;
    await this.server.createDatabase(name);
    await this.server.migrate(name);
    const conn = await this.server.connect(name);
    try {
      const now = new Date();
      for (const a of this.accounts) {
        await conn.query(
          `INSERT INTO accounts (id, name, auth_type, status, webhook_token_hash, webhook_active, created_at, updated_at) VALUES (?, ?, 'basic', 'active', ?, 1, ?, ?)`,
          [a.id, `Bench company ${a.id}`, createHash('sha256').update(a.token).digest('hex'), now, now],
        );
      }
    } finally {
      await conn.end();
    }
    return name;
  }

  /** Saturation: every connection sends its next delivery as soon as the previous one is answered. */
  private load(baseUrl: string, durationSeconds: number): Promise<LoadResult> {
    return runLoad({
      url: baseUrl,
      path: '/aircall/webhook',
      connections: this.options.connections,
      durationSeconds,
      nextBody: () => this.deliveries.next(),
    });
  }

  private async count(conn: Connection, where: string): Promise<number> {
    const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM webhook_events WHERE ${where}`);
    return Number((rows as Array<{ n: unknown }>)[0].n);
  }

  /** Waits until no event is pending; returns the seconds it took (capped by the drain timeout). */
  private async drain(conn: Connection): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < this.options.drainTimeoutSeconds * 1000) {
      if ((await this.count(conn, `status = 'pending'`)) === 0) break;
      await sleep(100);
    }
    return round((Date.now() - started) / 1000, 1);
  }

  /** received → applied per event of the window, from the inbox's own timestamps (DATETIME(3)). */
  private async applyLag(conn: Connection, since: Date): Promise<ApplyLag> {
    const [rows] = await conn.query(
      `SELECT TIMESTAMPDIFF(MICROSECOND, received_at, applied_at) / 1000 AS lag, status FROM webhook_events WHERE received_at >= ?`,
      [since],
    );
    const list = rows as Array<{ lag: unknown; status: string }>;
    const lags = list.filter((r) => r.lag !== null).map((r) => Number(r.lag));
    const notApplied = list.filter((r) => r.lag === null || r.status === 'pending').length;
    // An event still not applied counts as the whole timeout: it must not flatter the percentile.
    for (let i = 0; i < notApplied; i++) lags.push(this.options.drainTimeoutSeconds * 1000);
    return { ...distribution(lags), notAppliedWithinTimeout: notApplied };
  }
}

const round1 = (v: number) => round(v, 0);

type PacedRun = Pick<PacedLoadResult, 'warmup' | 'generatorLoopDelayMs'> & {
  load: LoadResult;
  lag: ApplyLag;
  gc: GcPauses;
  cpu: CoresUsed | null;
};

/** One paced run for the log: achieved rate, ack percentiles, the generator's lateness, GC, cores, lag. */
function describeRun({ load, warmup, generatorLoopDelayMs, gc, cpu, lag }: PacedRun): string {
  return (
    `achieved ${load.okPerSecond}/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms` +
    (warmup ? ` (first ${warmup.seconds} s, apart: p99 ${warmup.p99} ms, max ${warmup.max} ms)` : '') +
    `; the generator's own loop ran late by p99 ${generatorLoopDelayMs.p99} ms, max ${generatorLoopDelayMs.max} ms;` +
    ` GC pauses main ${gc.main} s (full ${gc.mainMajor} s), processor ${gc.processor} s;` +
    (cpu ? ` cores busy: ${describeCores(cpu)};` : '') +
    ` apply lag p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms, not applied ${lag.notAppliedWithinTimeout}`
  );
}

/** The middle item by `key` (the upper of the two middle ones for an even count). */
function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor(sorted.length / 2)];
}

function roundLoad(r: LoadResult): LoadResult {
  return { ...r, okPerSecond: round(r.okPerSecond, 0), durationSeconds: round(r.durationSeconds, 1) };
}

/** "service main thread 0.49, its other threads 0.43, database 0.58, load generator 0.32: 1.82 (machine idle 0.12, taken by the hypervisor 0.06)". */
export function describeCores(cpu: CoresUsed): string {
  const database = cpu.database === null ? 'database not local' : `database ${cpu.database}`;
  const machine =
    cpu.machineIdle === null || cpu.stolen === null
      ? ''
      : ` (machine idle ${cpu.machineIdle}, taken by the hypervisor ${cpu.stolen})`;
  return `service main thread ${cpu.serviceMain}, its other threads ${cpu.serviceOther}, ${database}, load generator ${cpu.generator}: ${cpu.total}${machine}`;
}
