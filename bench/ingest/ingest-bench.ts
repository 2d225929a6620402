import { createHash, randomBytes } from 'node:crypto';
import { Connection } from 'mysql2/promise';
import { ChildServer, freePort } from '../support/child-server';
import { LoadResult, runLoad } from '../support/load';
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
}

export interface IngestReport {
  eventsPerSecond: number;
  ratioToRawInsert: number | null;
  ratioToNaive: number | null;
  ratioToRawHttp: number | null;
  p50AckMs: number;
  p99AckMs: number;
  p99AckMsAtSaturation: number;
  loadAt80Percent: {
    targetRate: number;
    achievedRate: number;
    p50AckMs: number;
    p99AckMs: number;
    non2xx: number;
  };
  p99ApplyLagMs: number;
  applyLagMs: Distribution & { notAppliedWithinTimeout: number };
  processor: { appliedPerSecond: number; drainSeconds: number };
  service: LoadResult;
  serviceWithoutProcessor: LoadResult | null;
  baselines: { rawInsert: RawInsertResult; naive: LoadResult; rawHttp: LoadResult };
  settings: IngestOptions & { meanBodyBytes: number };
}

const BENCH_ENCRYPTION_KEY = Buffer.alloc(32, 11).toString('base64');

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
  private readonly deliveries: WebhookDeliveries;
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
    const rawInsert = await this.withDatabase('raw', async (url) => {
      this.log(`ingest: raw insert baseline (${this.options.rawInsertRows} rows)`);
      const accountOf = new Map(this.accounts.map((a) => [a.token, a.id]));
      return runRawInsert(url, this.deliveries, (t) => accountOf.get(t)!, this.options.rawInsertRows);
    });
    const naive = await this.withDatabase('naive', (url) =>
      this.saturate('naive (Express, one upsert per request)', 'bench/ingest/naive-server.js', {
        DATABASE_URL: url,
        BENCH_TOKENS: this.accounts.map((a) => `${a.token}:${a.id}`).join(','),
      }),
    );
    const rawHttp = await this.withDatabase('rawhttp', (url) =>
      this.saturate('raw node:http + WebhookInbox', 'bench/ingest/raw-http-server.js', { DATABASE_URL: url }),
    );
    const serviceWithoutProcessor = this.options.withoutProcessorRun
      ? await this.withDatabase('noproc', (url) =>
          this.saturate('service, inbox processor off', 'src/main.js', {
            ...this.serviceEnv(url),
            INBOX_PROCESSOR: 'false',
          }),
        )
      : null;
    const service = await this.withDatabase('service', (url) => this.measureService(url));

    const eventsPerSecond = round(service.saturation.okPerSecond, 0);
    return {
      eventsPerSecond,
      ratioToRawInsert: ratio(eventsPerSecond, rawInsert.rowsPerSecond),
      ratioToNaive: ratio(eventsPerSecond, naive.okPerSecond),
      ratioToRawHttp: ratio(eventsPerSecond, rawHttp.okPerSecond),
      p50AckMs: service.saturation.latencyMs.p50,
      p99AckMs: service.at80.latencyMs.p99,
      p99AckMsAtSaturation: service.saturation.latencyMs.p99,
      loadAt80Percent: {
        targetRate: service.targetRate,
        achievedRate: round(service.at80.okPerSecond, 0),
        p50AckMs: service.at80.latencyMs.p50,
        p99AckMs: service.at80.latencyMs.p99,
        non2xx: service.at80.non2xx,
      },
      p99ApplyLagMs: service.lag.p99,
      applyLagMs: service.lag,
      processor: service.processor,
      service: service.saturation,
      serviceWithoutProcessor,
      baselines: { rawInsert, naive: roundLoad(naive), rawHttp: roundLoad(rawHttp) },
      settings: { ...this.options, meanBodyBytes: this.deliveries.meanBodyBytes },
    };
  }

  private serviceEnv(databaseUrl: string): Record<string, string> {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
      LOG_LEVEL: 'warn',
      SYNC_CRON: 'off',
      WEBHOOK_CHECK_CRON: 'off',
      // Never Aircall: nothing in this benchmark may leave the machine.
      AIRCALL_API_URL: 'http://127.0.0.1:9',
      AIRCALL_DASHBOARD_URL: 'http://127.0.0.1:9',
    };
  }

  /** A migrated throwaway database holding the bench accounts, dropped afterwards. */
  private async withDatabase<T>(purpose: string, work: (url: string) => Promise<T>): Promise<T> {
    const name = `aircall_bench_${purpose}_${process.pid}`;
    const url = await this.server.createDatabase(name);
    try {
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
      return await work(url);
    } finally {
      await this.server.dropDatabase(name);
    }
  }

  private load(baseUrl: string, durationSeconds: number, overallRate?: number): Promise<LoadResult> {
    return runLoad({
      url: baseUrl,
      path: '/aircall/webhook',
      connections: this.options.connections,
      durationSeconds,
      overallRate,
      nextBody: () => this.deliveries.next(),
    });
  }

  /** Starts a server process, warms it up, then loads it with no rate limit. */
  private async saturate(label: string, script: string, env: Record<string, string>): Promise<LoadResult> {
    const port = await freePort();
    const child = await ChildServer.start(script, env, port, '/aircall/webhook');
    try {
      await this.load(child.baseUrl, this.options.warmupSeconds);
      const result = await this.load(child.baseUrl, this.options.runSeconds);
      this.log(
        `ingest: ${label}: ${round(result.okPerSecond, 0)} 2xx/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
      );
      return result;
    } finally {
      await child.stop();
    }
  }

  private async measureService(url: string) {
    const port = await freePort();
    const child = await ChildServer.start('src/main.js', this.serviceEnv(url), port, '/aircall/webhook');
    const name = new URL(url).pathname.slice(1);
    const conn = await this.server.connect(name);
    try {
      await this.load(child.baseUrl, this.options.warmupSeconds);
      await this.drain(conn);
      const saturationStart = Date.now();
      const appliedBefore = await this.count(conn, `status = 'applied'`);
      const saturation = await this.load(child.baseUrl, this.options.runSeconds);
      this.log(
        `ingest: service at saturation: ${round(saturation.okPerSecond, 0)} events/s, p50 ${saturation.latencyMs.p50} ms, p99 ${saturation.latencyMs.p99} ms, non-2xx ${saturation.non2xx}, errors ${saturation.errors}`,
      );
      const drainSeconds = await this.drain(conn);
      const applied = (await this.count(conn, `status = 'applied'`)) - appliedBefore;
      const processor = {
        appliedPerSecond: round(applied / ((Date.now() - saturationStart) / 1000), 0),
        drainSeconds,
      };
      this.log(
        `ingest: processor applied ${applied} events at ${processor.appliedPerSecond}/s (backlog drained ${drainSeconds} s after the run)`,
      );

      const targetRate = Math.max(1, Math.round(saturation.okPerSecond * 0.8));
      const windowStart = new Date();
      const at80 = await this.load(child.baseUrl, this.options.runSeconds, targetRate);
      this.log(
        `ingest: service at 80% (${targetRate}/s): achieved ${round(at80.okPerSecond, 0)}/s, p50 ${at80.latencyMs.p50} ms, p99 ${at80.latencyMs.p99} ms`,
      );
      await this.drain(conn);
      const lag = await this.applyLag(conn, windowStart);
      this.log(
        `ingest: apply lag at 80%: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms, not applied ${lag.notAppliedWithinTimeout}`,
      );
      return { saturation: roundLoad(saturation), at80: roundLoad(at80), targetRate, processor, lag };
    } finally {
      await conn.end();
      await child.stop();
    }
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
  private async applyLag(
    conn: Connection,
    since: Date,
  ): Promise<Distribution & { notAppliedWithinTimeout: number }> {
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

function roundLoad(r: LoadResult): LoadResult {
  return { ...r, okPerSecond: round(r.okPerSecond, 0), durationSeconds: round(r.durationSeconds, 1) };
}
