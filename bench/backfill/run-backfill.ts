import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '../../src/node-flags';
import type { BackfillBenchResult } from '../backfill-bench';
import { runJsonChild } from '../support/json-child';
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
  // The sync engine runs there as in the service, so with the service's V8 flags (its heap cap).
  return runJsonChild<BackfillRun>(
    [...SERVICE_NODE_FLAGS, join(__dirname, 'backfill-child.js'), JSON.stringify(options)],
    'backfill run',
  );
}
