import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { constants, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { MetricsService } from './metrics.service';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Pauses from 0.1 ms (a young-generation scavenge) to 1 s (a full collection of a large heap). */
const BUCKETS_SECONDS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * `nodejs_gc_duration_seconds{kind,thread}`: every garbage-collection pause of this thread's V8 heap,
 * by kind (minor: young generation; major: mark-compact; incremental: marking steps; weakcb: weak
 * callbacks). On the main thread a pause holds every webhook answer; in the processor thread, every
 * apply. Its `_sum` over time is the share of the thread's time spent collecting. It replaces
 * prom-client's default GC histogram, which has no `thread` label and records only the first entry
 * of each batch the observer receives.
 */
@Injectable()
export class GcMetrics implements OnModuleInit, OnModuleDestroy {
  private observer: PerformanceObserver | null = null;

  constructor(private readonly metrics: MetricsService) {}

  onModuleInit(): void {
    const thread = isMainThread ? 'main' : 'processor';
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
        const kind = KINDS[detail?.kind ?? -1] ?? 'other';
        this.metrics.observe(
          'nodejs_gc_duration_seconds',
          'Garbage-collection pauses of this thread, in seconds',
          entry.duration / 1000,
          { kind, thread },
          BUCKETS_SECONDS,
        );
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  onModuleDestroy(): void {
    this.observer?.disconnect();
    this.observer = null;
  }
}
