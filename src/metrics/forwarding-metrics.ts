import { Injectable } from '@nestjs/common';
import { parentPort } from 'node:worker_threads';
import { Labels, labelKey, MetricsService } from './metrics.service';

/**
 * Metric updates made in a worker thread, replayed on the main thread's registry (GET /metrics):
 * one op per series and flush, the increments summed and the observations listed.
 */
export type MetricOp =
  | { kind: 'inc'; name: string; help: string; labels: Labels; value: number }
  | { kind: 'observe'; name: string; help: string; labels: Labels; values: number[]; buckets?: number[] };

/** What a worker thread's registry posts to its parent. */
export interface MetricsMessage {
  type: 'metrics';
  ops: MetricOp[];
}

/**
 * A worker thread's registry (the inbox processor's): every update goes to the main thread, batched every 200 ms and
 * folded per series (a busy processor makes two updates per event; the main thread, which answers
 * webhooks, then replays a few ops per flush instead of thousands).
 */
@Injectable()
export class ForwardingMetrics extends MetricsService {
  private ops = new Map<string, MetricOp>();
  private readonly timer = setInterval(() => this.flush(), 200).unref();

  override inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const key = `inc ${name} ${labelKey(labels)}`;
    const op = this.ops.get(key);
    if (op?.kind === 'inc') op.value += by;
    else this.ops.set(key, { kind: 'inc', name, help, labels, value: by });
  }

  override observe(name: string, help: string, value: number, labels: Labels = {}, buckets?: number[]): void {
    const key = `observe ${name} ${labelKey(labels)}`;
    const op = this.ops.get(key);
    if (op?.kind === 'observe') op.values.push(value);
    else this.ops.set(key, { kind: 'observe', name, help, labels, values: [value], buckets });
  }

  /** The updates not sent yet (and forgets them). */
  take(): MetricOp[] {
    const ops = [...this.ops.values()];
    this.ops = new Map();
    return ops;
  }

  flush(): void {
    if (this.ops.size > 0)
      parentPort?.postMessage({ type: 'metrics', ops: this.take() } satisfies MetricsMessage);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Applies the processor thread's metric updates to this thread's registry. */
export function replayMetricOps(ops: readonly MetricOp[], metrics: MetricsService): void {
  for (const op of ops) {
    if (op.kind === 'inc') metrics.inc(op.name, op.help, op.labels, op.value);
    else for (const value of op.values) metrics.observe(op.name, op.help, value, op.labels, op.buckets);
  }
}
