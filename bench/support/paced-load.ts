import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { msLate } from '../../src/metrics/loop-delay';
import { LeanHttpClient } from './lean-http';
import { LoadResult } from './load';
import { percentile } from './stats';

export interface PacedLoadOptions {
  url: string;
  path: string;
  /** Requests per second, sent at evenly spaced instants. */
  rate: number;
  durationSeconds: number;
  /** Keep-alive connections at most; a request finding them all busy waits for one (and that wait counts). */
  connections: number;
  headers?: Record<string, string>;
  nextBody: () => string;
  /** A request unanswered after this long is an error (Aircall gives up after 5 s). */
  timeoutMs?: number;
  /**
   * Seconds sent at the same rate before `durationSeconds` starts, kept out of the measured figures
   * and reported on their own (`warmup`): the step from idle to the full rate is a transient.
   */
  warmupSeconds?: number;
}

export interface PacedLoadResult extends LoadResult {
  /** The warm-up's own answers, when there was one. */
  warmup: { seconds: number; ok: number; p50: number; p99: number; max: number } | null;
  /**
   * How late this generator's own event loop ran during the measured window (ms beyond its 5 ms
   * sampling): a late loop sends late and reads answers late, and both count in the latencies above,
   * so this is the part of them the server under test may not be responsible for.
   */
  generatorLoopDelayMs: { p50: number; p99: number; max: number };
}

const LOOP_DELAY_RESOLUTION_MS = 5;

/** A loop-delay reading as ms late, rounded to 0.01 ms. */
function lateMs(ns: number): number {
  return Math.round(msLate(ns, LOOP_DELAY_RESOLUTION_MS) * 100) / 100;
}

/**
 * An open-loop load at a constant rate, the way the "ack latency at 80 % load" figure has to be
 * measured: request i is due at start + i / rate whatever happened to the ones before it, and its
 * latency runs from that due instant to the answer, so time spent queued behind a slow answer
 * counts (no coordinated omission).
 *
 * autocannon's own rate option is not that: each connection sends its per-second quota back to back
 * at the top of every second and then idles, so "80 % of capacity" arrives as bursts at full
 * saturation followed by silence, and its p99 is the saturation p99.
 */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url);
  const warmupSeconds = options.warmupSeconds ?? 0;
  const warmupTotal = Math.round(options.rate * warmupSeconds);
  const total = warmupTotal + Math.max(1, Math.round(options.rate * options.durationSeconds));
  const intervalMs = 1000 / options.rate;
  const timeoutMs = options.timeoutMs ?? 5000;
  // An http: URL without a port means 80, as it did for node:http's client.
  const port = Number(target.port || 80);
  const client = new LeanHttpClient(target.hostname, port, options.connections, timeoutMs);
  const latencies: number[] = [];
  const warmupLatencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let settled = 0;
  const start = performance.now();
  const measuredFrom = start + warmupTotal * intervalMs;
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  const measuring = setTimeout(() => loopDelay.enable(), Math.max(0, measuredFrom - start));

  const send = (dueAt: number, done: () => void) => {
    const warmup = dueAt < measuredFrom;
    client.post(options.path, options.nextBody(), options.headers).then(
      (status) => {
        const ok2xx = status >= 200 && status < 300;
        if (warmup) {
          if (ok2xx) warmupLatencies.push(performance.now() - dueAt);
          return done();
        }
        const code = String(status);
        statusCodes[code] = (statusCodes[code] ?? 0) + 1;
        if (ok2xx) {
          ok++;
          latencies.push(performance.now() - dueAt);
        } else non2xx++;
        done();
      },
      () => {
        if (!warmup) errors++;
        done();
      },
    );
  };

  await new Promise<void>((resolve) => {
    const settle = () => {
      if (++settled === total) resolve();
    };
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out now: a late timer delays the send, never drops or bunches the clock.
      while (sent < total && start + sent * intervalMs <= now) send(start + sent++ * intervalMs, settle);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  const durationSeconds = (performance.now() - measuredFrom) / 1000;
  clearTimeout(measuring);
  loopDelay.disable();
  client.close();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number, list = sorted) => Math.round(percentile(list, p) * 100) / 100;
  const warm = warmupLatencies.sort((a, b) => a - b);
  return {
    warmup:
      warmupTotal > 0
        ? {
            seconds: warmupSeconds,
            ok: warm.length,
            p50: at(50, warm),
            p99: at(99, warm),
            max: at(100, warm),
          }
        : null,
    generatorLoopDelayMs: {
      p50: lateMs(loopDelay.percentile(50)),
      p99: lateMs(loopDelay.percentile(99)),
      max: lateMs(loopDelay.max),
    },
    okPerSecond: ok / durationSeconds,
    ok,
    non2xx,
    errors,
    durationSeconds,
    latencyMs: {
      p50: at(50),
      p90: at(90),
      p99: at(99),
      max: at(100),
      average: sorted.length
        ? Math.round((sorted.reduce((a, b) => a + b, 0) / sorted.length) * 100) / 100
        : 0,
    },
    statusCodes,
  };
}
