import { MetricsService } from './metrics.service';
import { ForwardingMetrics, replayMetricOps } from './forwarding-metrics';

const BUCKETS = [10, 100, 1000];

/** The same updates, in the same order, as the processor thread makes them. */
function updates(metrics: MetricsService): void {
  for (let i = 0; i < 500; i++) {
    const event = i % 3 === 0 ? 'call.created' : 'call.ended';
    metrics.inc('aircall_webhook_events_applied_total', 'Webhook events applied, by event', { event });
    metrics.observe(
      'aircall_webhook_apply_lag_ms',
      'Milliseconds from receipt to applied',
      i * 3,
      {},
      BUCKETS,
    );
  }
  metrics.inc(
    'aircall_webhook_events_failed_total',
    'Webhook events failed, by event',
    { event: 'unknown' },
    2,
  );
}

describe('ForwardingMetrics (the processor thread registry)', () => {
  let forwarding: ForwardingMetrics;

  beforeEach(() => {
    forwarding = new ForwardingMetrics();
  });

  afterEach(() => forwarding.stop());

  it('folds a flush into one op per series, and take() forgets what it returned', () => {
    updates(forwarding);
    const ops = forwarding.take();
    // 1000 updates: two applied series (by event), one lag histogram, one failed series.
    expect(ops).toHaveLength(4);
    const applied = ops.filter((op) => op.name === 'aircall_webhook_events_applied_total');
    expect(applied.map((op) => (op.kind === 'inc' ? op.value : -1)).sort((a, b) => a - b)).toEqual([
      167, 333,
    ]);
    const lag = ops.find((op) => op.name === 'aircall_webhook_apply_lag_ms');
    expect(lag?.kind === 'observe' ? lag.values.length : -1).toBe(500);
    expect(forwarding.take()).toEqual([]);
  });

  it('replayed on the main registry renders exactly what direct updates render', async () => {
    const direct = new MetricsService();
    updates(direct);
    const replayed = new MetricsService();
    updates(forwarding);
    replayMetricOps(forwarding.take(), replayed);
    const text = await replayed.render();
    expect(text).toBe(await direct.render());
    expect(text).toContain('aircall_webhook_apply_lag_ms_count 500');
    expect(text).toContain('aircall_webhook_events_failed_total{event="unknown"} 2');
  });
});
