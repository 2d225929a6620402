import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Labels = Record<string, string>;

/** A series' identity within its family: its labels, in key order. */
export const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

const sameLabels = (a: Partial<Record<string, string | number>>, b: Labels): boolean => {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => String(a[k]) === b[k]);
};

const DEFAULT_BUCKETS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/**
 * The names prom-client's default metrics use that this service fills itself: GcMetrics records
 * `nodejs_gc_duration_seconds` per thread (prom-client's has no `thread` label and sees only the
 * thread it runs in).
 */
const OWN_DEFAULT_NAMES = ['nodejs_gc_duration_seconds'];

/**
 * The process's Prometheus registry (a prom-client Registry of counters, gauges and histograms with
 * labels) rendered in the text exposition format by GET /metrics. A family is created on its first
 * update, its label names taken from that update. Gauges that need the database are filled by
 * collectors run at scrape time.
 */
@Injectable()
export class MetricsService {
  /** This instance's own registry, not prom-client's global one, so each app (and test) has its own. */
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly collectors: Array<() => Promise<void>> = [];

  /**
   * Adds prom-client's default metrics (process CPU, memory, file descriptors, handles, heap spaces,
   * event-loop lag, Node.js version) to this registry; the main thread's registry does, once.
   */
  collectDefaultMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
    for (const name of OWN_DEFAULT_NAMES) this.registry.removeSingleMetric(name);
  }

  private counter(name: string, help: string, labels: Labels): Counter {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({ name, help, labelNames: Object.keys(labels), registers: [this.registry] });
      this.counters.set(name, counter);
    }
    return counter;
  }

  private gauge(name: string, help: string, labels: Labels): Gauge {
    let gauge = this.gauges.get(name);
    if (!gauge) {
      gauge = new Gauge({ name, help, labelNames: Object.keys(labels), registers: [this.registry] });
      this.gauges.set(name, gauge);
    }
    return gauge;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    this.counter(name, help, labels).inc(labels, by);
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.gauge(name, help, labels).set(labels, value);
  }

  /**
   * Sets a counter to a total kept elsewhere (e.g. the Aircall client's request counts), read at
   * scrape time. The source must only ever grow, as Prometheus expects of a counter.
   */
  setTotal(name: string, help: string, value: number, labels: Labels = {}): void {
    const counter = this.counter(name, help, labels);
    counter.remove(labels);
    counter.inc(labels, value);
  }

  observe(name: string, help: string, value: number, labels: Labels = {}, buckets = DEFAULT_BUCKETS): void {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = new Histogram({
        name,
        help,
        labelNames: Object.keys(labels),
        buckets,
        registers: [this.registry],
      });
      this.histograms.set(name, histogram);
    }
    histogram.observe(labels, value);
  }

  /** Value of a counter or gauge (tests read it); 0 when the series has none yet. */
  async value(name: string, labels: Labels = {}): Promise<number> {
    const metric = this.counters.get(name) ?? this.gauges.get(name);
    const values = metric ? (await metric.get()).values : [];
    return values.find((v) => sameLabels(v.labels, labels))?.value ?? 0;
  }

  /** Observations and their sum of one histogram series (tests read it); zeros when none. */
  async histogram(name: string, labels: Labels = {}): Promise<{ count: number; sum: number }> {
    const values = (await this.histograms.get(name)?.get())?.values ?? [];
    const part = (suffix: string) =>
      values.find((v) => v.metricName === `${name}${suffix}` && sameLabels(v.labels, labels))?.value ?? 0;
    return { count: part('_count'), sum: part('_sum') };
  }

  /** Registers a callback that refreshes gauges before each scrape. */
  addCollector(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  /** The Content-Type of `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c().catch(() => undefined)));
    return this.registry.metrics();
  }
}
