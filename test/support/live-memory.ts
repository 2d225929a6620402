import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The most that live memory (heap used plus Buffers) grew while `run` ran, sampled after a full
 * collection so garbage does not count and a buffered body does; samples are spaced to at least
 * four times a collection's length, so collecting never starves the write on a busy machine.
 */
export async function liveMemoryGrowthDuring<T>(
  run: () => Promise<T>,
): Promise<{ result: T; peakGrowthBytes: number }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const live = () => {
    const started = Date.now();
    // The second collection waits for the first's sweep of dead Buffers, which runs on another
    // thread: read after one alone, Buffers freed a moment ago still count as live.
    gc();
    gc();
    const usage = process.memoryUsage();
    return { bytes: usage.heapUsed + usage.arrayBuffers, gcMs: Date.now() - started };
  };
  const baseline = live().bytes;
  let peak = 0;
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    const { bytes, gcMs } = live();
    peak = Math.max(peak, bytes - baseline);
    timer = setTimeout(sample, Math.max(100, 4 * gcMs));
  };
  timer = setTimeout(sample, 100);
  try {
    const result = await run();
    return { result, peakGrowthBytes: Math.max(peak, live().bytes - baseline) };
  } finally {
    clearTimeout(timer);
  }
}
