import { Injectable } from '@nestjs/common';

export type Labels = Record<string, string>;

interface Family {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
  buckets?: number[];
  histograms?: Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>;
}

/** A series' identity within its family: its labels, in key order. */
export const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const renderLabels = (labels: Labels, extra: Labels = {}) => {
  const all = { ...labels, ...extra };
  const keys = Object.keys(all);
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${escape(all[k])}"`).join(',')}}`;
};

/**
 * A small in-process Prometheus registry (counters, gauges, histograms with labels) rendered in the
 * text exposition format by GET /metrics. Gauges that need the database are filled by collectors
 * run at scrape time.
 */
@Injectable()
export class MetricsService {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => Promise<void>> = [];

  private family(name: string, type: Family['type'], help: string, buckets?: number[]): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { type, help, values: new Map(), buckets, histograms: buckets ? new Map() : undefined };
      this.families.set(name, f);
    }
    return f;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name, 'counter', help);
    const key = labelKey(labels);
    const current = f.values.get(key);
    if (current) current.value += by;
    else f.values.set(key, { labels, value: by });
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.family(name, 'gauge', help).values.set(labelKey(labels), { labels, value });
  }

  /**
   * Sets a counter to a total kept elsewhere (e.g. the Aircall client's request counts), read at
   * scrape time. The source must only ever grow, as Prometheus expects of a counter.
   */
  setTotal(name: string, help: string, value: number, labels: Labels = {}): void {
    this.family(name, 'counter', help).values.set(labelKey(labels), { labels, value });
  }

  observe(
    name: string,
    help: string,
    value: number,
    labels: Labels = {},
    buckets = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
  ): void {
    const f = this.family(name, 'histogram', help, buckets);
    const key = labelKey(labels);
    let h = f.histograms!.get(key);
    if (!h) {
      h = { labels, counts: new Array(f.buckets!.length).fill(0), sum: 0, count: 0 };
      f.histograms!.set(key, h);
    }
    f.buckets!.forEach((b, i) => {
      if (value <= b) h!.counts[i]++;
    });
    h.sum += value;
    h.count++;
  }

  /** Value of a counter or gauge (tests and /health read it). */
  value(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.values.get(labelKey(labels))?.value ?? 0;
  }

  /** Observations and their sum of one histogram series (tests read it); zeros when none. */
  histogram(name: string, labels: Labels = {}): { count: number; sum: number } {
    const h = this.families.get(name)?.histograms?.get(labelKey(labels));
    return { count: h?.count ?? 0, sum: h?.sum ?? 0 };
  }

  /** Registers a callback that refreshes gauges before each scrape. */
  addCollector(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c().catch(() => undefined)));
    const lines: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      if (f.type === 'histogram') {
        for (const h of f.histograms!.values()) {
          f.buckets!.forEach((b, i) =>
            lines.push(`${name}_bucket${renderLabels(h.labels, { le: String(b) })} ${h.counts[i]}`),
          );
          lines.push(`${name}_bucket${renderLabels(h.labels, { le: '+Inf' })} ${h.count}`);
          lines.push(
            `${name}_sum${renderLabels(h.labels)} ${h.sum}`,
            `${name}_count${renderLabels(h.labels)} ${h.count}`,
          );
        }
      } else {
        for (const v of f.values.values()) lines.push(`${name}${renderLabels(v.labels)} ${v.value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
