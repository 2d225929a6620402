import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccountsService } from '../src/accounts/accounts.service';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { SyncService } from '../src/sync/sync.service';
import { trackChild } from './support/children';

export interface BackfillBenchOptions {
  /** A migrated (or migratable) database of its own: the bench writes an account and its calls there. */
  databaseUrl: string;
  calls: number;
  /** The simulator's (and the client's) budget: `rateLimit` requests per `windowMs`. */
  rateLimit: number;
  windowMs: number;
}

export interface BackfillBenchResult {
  calls: number;
  /** From the backfill's start to its last write. */
  seconds: number;
  callsPerWindow: number;
  /** What Aircall's limit allows at best: rateLimit pages of 50 calls per window. */
  boundCallsPerWindow: number;
  ratioToRateLimitBound: number;
  /** 429 answers the simulator sent. */
  http429: number;
  /** Peak resident memory of this (the syncing) process during the backfill. */
  peakRssMb: number;
  /**
   * What the main isolate held at the sample with the peak RSS (MB): V8 heap reserved and used, and
   * memory outside it (Buffers and the like). The rest of the RSS is code, native allocations and the
   * inbox processor's thread (a second isolate, not counted here).
   */
  atPeak: { heapTotalMb: number; heapUsedMb: number; externalMb: number; arrayBuffersMb: number };
}

interface SimulatorReady {
  baseUrl: string;
  companies: Array<{ id: number; apiId: string; apiToken: string; callCount: number }>;
}

const DAY_MS = 86_400_000;

/** The compiled simulator: dist/test/simulator/main.js, wherever this module runs from. */
function simulatorScript(): string {
  const candidates = [
    resolve(__dirname, '..', 'test', 'simulator', 'main.js'),
    resolve(__dirname, '..', 'dist', 'test', 'simulator', 'main.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new Error(
      `the compiled simulator is missing (run npm run build): looked for ${candidates.join(', ')}`,
    );
  return found;
}

/** The Aircall simulator in its own process, so its CPU time never competes with the sync's event loop. */
async function startSimulator(
  calls: number,
  rateLimit: number,
  windowMs: number,
): Promise<{ child: ChildProcess; ready: SimulatorReady }> {
  const child = trackChild(
    spawn(
      process.execPath,
      [
        simulatorScript(),
        '--companies',
        '1',
        '--calls-per-company',
        String(calls),
        '--rate-limit',
        String(rateLimit),
        '--rate-window-ms',
        String(windowMs),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<SimulatorReady>((resolveReady, reject) => {
    const failed = (code: number | null) =>
      reject(new Error(`the simulator exited (${code}) before it was ready`));
    child.once('exit', failed);
    lines.once('line', (line) => {
      child.off('exit', failed);
      resolveReady(JSON.parse(line) as SimulatorReady);
    });
  });
  return { child, ready };
}

/** Stops the simulator and returns the 429s it sent (it prints its stats on SIGTERM). */
async function stopSimulator(child: ChildProcess): Promise<number> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  const line = stderr.split('\n').find((candidate) => candidate.includes('"stopping"'));
  if (!line) throw new Error(`the simulator did not report its stats: ${stderr.slice(-500)}`);
  return (JSON.parse(line) as { stats: { rateLimited: number } }).stats.rateLimited;
}

/**
 * Backfills `calls` calls from the Aircall simulator (a separate process) into `databaseUrl` with the
 * real sync engine in this process, and measures throughput against Aircall's bound (`rateLimit` pages
 * of 50 per window) and this process's peak RSS. Used by `npm run bench` (bench/run.ts).
 */
export async function runBackfillBench(opts: BackfillBenchOptions): Promise<BackfillBenchResult> {
  const { child, ready } = await startSimulator(opts.calls, opts.rateLimit, opts.windowMs);
  let app: INestApplication | undefined;
  let http429: number | undefined;
  try {
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      DATABASE_URL: opts.databaseUrl,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      AIRCALL_API_URL: ready.baseUrl,
      AIRCALL_DASHBOARD_URL: ready.baseUrl,
      AIRCALL_RATE_LIMIT: String(opts.rateLimit),
      AIRCALL_RATE_WINDOW_MS: String(opts.windowMs),
      // The simulator spreads its calls over the last 30 days.
      BACKFILL_DAYS: '31',
      SYNC_CRON: 'off',
      WEBHOOK_CHECK_CRON: 'off',
      // The inbox processor stays on, as in production: on MySQL its thread (a second V8 isolate,
      // ≈ 45–50 MB) is part of this process's RSS.
    });
    app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error'], bodyParser: false });
    await app.init();
    const company = ready.companies[0];
    const accountId = String(company.id);
    await app.get(AccountsService).saveConnected({
      id: accountId,
      aircallCompanyId: null,
      name: 'Backfill bench',
      credentials: { kind: 'basic', apiId: company.apiId, apiToken: company.apiToken },
    });
    const sync = app.get(SyncService);

    let peak = process.memoryUsage();
    const sample = () => {
      const now = process.memoryUsage();
      if (now.rss > peak.rss) peak = now;
    };
    const sampler = setInterval(sample, 50);
    const started = process.hrtime.bigint();
    let failure: string | null = null;
    try {
      const run = await sync.trigger(accountId, 'backfill', { from: new Date(Date.now() - 31 * DAY_MS) });
      await sync.whenIdle();
      const finished = await sync.runStatus(accountId, run.id);
      if (finished?.status !== 'succeeded')
        failure = `the backfill ended ${finished?.status ?? 'missing'}: ${finished?.error ?? ''}`;
    } finally {
      clearInterval(sampler);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    sample();
    if (failure) throw new Error(failure);

    const windows = (seconds * 1000) / opts.windowMs;
    const callsPerWindow = opts.calls / windows;
    const boundCallsPerWindow = opts.rateLimit * 50;
    // The bound: the fastest any client can fetch these calls within Aircall's limit. It needs
    // ceil(calls / 50) pages; `rateLimit` of them go out at once in each window, so the last batch
    // cannot start before (ceil(pages / rateLimit) − 1) windows have passed. (calls / window alone
    // would credit the first window's burst and exceed 1 on short runs.) Every other request the
    // engine makes (reference data, window counts, re-reads) counts against it.
    const pages = Math.ceil(opts.calls / 50);
    const boundSeconds = ((Math.ceil(pages / opts.rateLimit) - 1) * opts.windowMs) / 1000;
    await app.close();
    app = undefined;
    http429 = await stopSimulator(child);
    return {
      calls: opts.calls,
      seconds: round(seconds, 2),
      callsPerWindow: round(callsPerWindow, 1),
      boundCallsPerWindow,
      ratioToRateLimitBound: round(boundSeconds / seconds, 3),
      http429,
      peakRssMb: mb(peak.rss),
      atPeak: {
        heapTotalMb: mb(peak.heapTotal),
        heapUsedMb: mb(peak.heapUsed),
        externalMb: mb(peak.external),
        arrayBuffersMb: mb(peak.arrayBuffers),
      },
    };
  } finally {
    await app?.close();
    if (http429 === undefined && child.exitCode === null) await stopSimulator(child).catch(() => undefined);
  }
}

function mb(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
