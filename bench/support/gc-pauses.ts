import { parseExposition } from '../../src/metrics/exposition';

/** Seconds a server under test spent in garbage-collection pauses, by thread. */
export interface GcPauses {
  /** The main thread: webhook answers wait for these. */
  main: number;
  /** Of which full (mark-compact) collections. */
  mainMajor: number;
  /** The inbox processor thread (MySQL). */
  processor: number;
}

/** The service's GC pause totals so far, from its `nodejs_gc_duration_seconds` histogram (GET /metrics). */
export async function gcPauses(baseUrl: string): Promise<GcPauses> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const totals: GcPauses = { main: 0, mainMajor: 0, processor: 0 };
  for (const s of parseExposition(text)) {
    if (s.name !== 'nodejs_gc_duration_seconds_sum') continue;
    if (s.labels.thread === 'processor') totals.processor += s.value;
    else if (s.labels.thread === 'main') {
      totals.main += s.value;
      if (s.labels.kind === 'major') totals.mainMajor += s.value;
    }
  }
  return totals;
}

/** What was paused between two readings, in seconds to the millisecond. */
export function gcPausesBetween(before: GcPauses, after: GcPauses): GcPauses {
  const d = (key: keyof GcPauses) => Math.round((after[key] - before[key]) * 1000) / 1000;
  return { main: d('main'), mainMajor: d('mainMajor'), processor: d('processor') };
}
