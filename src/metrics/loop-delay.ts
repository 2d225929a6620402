/**
 * How late an event loop ran, in ms, from a `monitorEventLoopDelay` reading. The histogram records the
 * time between its timer's ticks (ns), which includes the sampling interval itself, so that interval is
 * subtracted. 0 when nothing was sampled (an empty histogram reads 0 or NaN).
 */
export function msLate(ns: number, resolutionMs: number): number {
  if (!Number.isFinite(ns) || ns <= 0) return 0;
  return Math.max(0, ns / 1e6 - resolutionMs);
}
