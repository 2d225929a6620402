import { GcMetrics } from './gc-metrics';
import { MetricsService } from './metrics.service';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Allocates short-lived objects until the young generation has been collected several times over. */
function churn(): number {
  const ring: Array<{ i: number; text: string; list: number[] }> = new Array(1000);
  let kept = 0;
  for (let i = 0; i < 400_000; i++) {
    ring[i % ring.length] = { i, text: `event ${i}`, list: [i, i + 1] };
    kept += ring[i % ring.length].list.length;
  }
  return kept;
}

describe('GcMetrics', () => {
  it('records the main thread’s collections by kind, and nothing once stopped', async () => {
    const metrics = new MetricsService();
    const gc = new GcMetrics(metrics);
    gc.onModuleInit();
    try {
      expect(churn()).toBe(800_000);
      await sleep(20); // GC entries reach the observer asynchronously
      const minor = await metrics.histogram('nodejs_gc_duration_seconds', { kind: 'minor', thread: 'main' });
      expect(minor.count).toBeGreaterThan(0);
      expect(minor.sum).toBeGreaterThan(0);
      expect(minor.sum).toBeLessThan(10);
      expect(await metrics.render()).toContain(
        'nodejs_gc_duration_seconds_count{kind="minor",thread="main"}',
      );
    } finally {
      gc.onModuleDestroy();
    }
    const before = (await metrics.histogram('nodejs_gc_duration_seconds', { kind: 'minor', thread: 'main' }))
      .count;
    churn();
    await sleep(20);
    expect(
      (await metrics.histogram('nodejs_gc_duration_seconds', { kind: 'minor', thread: 'main' })).count,
    ).toBe(before);
  });

  it('replaces prom-client’s default GC histogram in a registry with the default metrics', async () => {
    const metrics = new MetricsService();
    metrics.collectDefaultMetrics();
    const gc = new GcMetrics(metrics);
    gc.onModuleInit();
    try {
      churn();
      await sleep(20);
      const text = await metrics.render();
      expect(text).toContain('# TYPE process_cpu_seconds_total counter');
      expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
      expect(text).toContain('nodejs_gc_duration_seconds_count{kind="minor",thread="main"}');
      expect(text.match(/^# TYPE nodejs_gc_duration_seconds /gm)).toHaveLength(1);
    } finally {
      gc.onModuleDestroy();
    }
  });
});
