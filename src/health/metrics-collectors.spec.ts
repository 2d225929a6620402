import { loadConfig } from '../config/app-config';
import { AircallClient } from '../aircall/aircall-client';
import { OperationalReadings } from './operational-readings';
import { MetricsCollectors } from './metrics-collectors';
import { MetricsService } from '../metrics/metrics.service';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop busy, as a long synchronous piece of work would. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('MetricsCollectors: event loop delay', () => {
  let metrics: MetricsService;
  let collectors: MetricsCollectors;

  beforeEach(() => {
    metrics = new MetricsService();
    // The database is down for this registry (its part is skipped); the Aircall client sent nothing.
    const readings = { ping: () => Promise.reject(new Error('down')) } as unknown as OperationalReadings;
    const aircall = { stats: { requests: 0, rateLimited: 0, retries: 0 } } as unknown as AircallClient;
    collectors = new MetricsCollectors(metrics, readings, aircall, loadConfig({}));
    collectors.onModuleInit();
  });

  afterEach(() => collectors.onModuleDestroy());

  it('reports a blocked loop as its delay, then starts again from zero at the next scrape', async () => {
    await sleep(50);
    block(300);
    await sleep(30);
    await metrics.render();
    const blockedMax = await metrics.value('nodejs_eventloop_delay_max_seconds');
    expect(blockedMax).toBeGreaterThanOrEqual(0.25);
    expect(blockedMax).toBeLessThan(5);
    // Most ticks of the window were on time: the median stays below the block.
    expect(await metrics.value('nodejs_eventloop_delay_p50_seconds')).toBeLessThan(blockedMax);

    await sleep(100);
    await metrics.render();
    expect(await metrics.value('nodejs_eventloop_delay_max_seconds')).toBeLessThan(0.25);
    expect(await metrics.value('nodejs_eventloop_delay_p99_seconds')).toBeGreaterThanOrEqual(0);
  });
});
