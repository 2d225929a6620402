import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '../../src/node-flags';
import type { BackfillBenchResult } from '../backfill-bench';
import { MysqlServer } from '../support/mysql-server';

export interface BackfillOptions {
  /** Calls for the throughput figure (ratio to the rate-limit bound). */
  calls: number;
  /** Calls for the memory figure (peak RSS). */
  rssCalls: number;
  /** The simulator's scaled window: `rateLimit` requests per `windowMs`. */
  rateLimit: number;
  windowMs: number;
}

/** One backfill measurement: `runBackfillBench`'s result, printed by backfill-child.ts. */
export type BackfillRun = BackfillBenchResult;

export interface BackfillReport {
  ratioToRateLimitBound: number;
  http429: number;
  peakRssMb: number;
  throughputRun: BackfillRun;
  memoryRun: BackfillRun;
  settings: BackfillOptions;
}

/**
 * The backfill figures come from `runBackfillBench` (bench/backfill-bench.ts, written with the sync
 * engine): one run at `calls` for the ratio to the rate-limit bound and 429s, one at `rssCalls` for
 * peak memory, each on its own throwaway database and in its own process (backfill-child.ts), so the
 * RSS is the sync engine's and not this driver's.
 */
export async function runBackfill(
  server: MysqlServer,
  options: BackfillOptions,
  log: (line: string) => void,
): Promise<BackfillReport> {
  const once = async (purpose: string, calls: number): Promise<BackfillRun> => {
    const name = `aircall_bench_backfill_${purpose}_${process.pid}`;
    const databaseUrl = await server.createDatabase(name);
    try {
      await server.migrate(name);
      log(`backfill: ${calls} calls at ${options.rateLimit} requests / ${options.windowMs} ms (${purpose})`);
      const run = await inChildProcess({
        databaseUrl,
        calls,
        rateLimit: options.rateLimit,
        windowMs: options.windowMs,
      });
      log(
        `backfill: ratio to the rate-limit bound ${run.ratioToRateLimitBound}, 429s ${run.http429}, peak RSS ${run.peakRssMb} MB`,
      );
      return run;
    } finally {
      await server.dropDatabase(name);
    }
  };
  const throughputRun = await once('throughput', options.calls);
  const memoryRun = options.rssCalls > 0 ? await once('memory', options.rssCalls) : throughputRun;
  return {
    ratioToRateLimitBound: throughputRun.ratioToRateLimitBound,
    http429: throughputRun.http429 + (memoryRun === throughputRun ? 0 : memoryRun.http429),
    peakRssMb: Math.max(throughputRun.peakRssMb, memoryRun.peakRssMb),
    throughputRun,
    memoryRun,
    settings: options,
  };
}

/** Runs backfill-child.js and returns the JSON result it prints. */
function inChildProcess(options: {
  databaseUrl: string;
  calls: number;
  rateLimit: number;
  windowMs: number;
}): Promise<BackfillRun> {
  return new Promise((resolveRun, reject) => {
    // The sync engine runs there as in the service, so with the service's V8 flags (its heap cap).
    const args = [...SERVICE_NODE_FLAGS, join(__dirname, 'backfill-child.js'), JSON.stringify(options)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolveRun(JSON.parse(last) as BackfillRun);
      else reject(new Error(`backfill run exited with ${code}: ${stderr.trim() || stdout.slice(-1000)}`));
    });
  });
}
