import { parseExposition, sampleValue } from './exposition';
import { MetricsService } from './metrics.service';

describe('parseExposition / sampleValue', () => {
  it('reads back what MetricsService renders, escaped label values and histograms included', async () => {
    const metrics = new MetricsService();
    metrics.inc('deliveries_total', 'Deliveries', { outcome: 'stored' }, 3);
    metrics.inc('deliveries_total', 'Deliveries', { outcome: 'say "hi" \\ back\nnow' }, 2);
    metrics.set('pending', 'Pending', 7.5);
    metrics.observe('pause_seconds', 'Pauses', 0.002, { kind: 'minor', thread: 'main' }, [0.001, 0.01]);
    metrics.observe('pause_seconds', 'Pauses', 0.02, { kind: 'minor', thread: 'main' }, [0.001, 0.01]);
    const text = await metrics.render();

    expect(sampleValue(text, 'deliveries_total', { outcome: 'stored' })).toBe(3);
    expect(sampleValue(text, 'deliveries_total', { outcome: 'say "hi" \\ back\nnow' })).toBe(2);
    expect(sampleValue(text, 'pending')).toBe(7.5);
    // Label order does not matter; a missing or partial label set matches nothing.
    expect(sampleValue(text, 'pause_seconds_count', { thread: 'main', kind: 'minor' })).toBe(2);
    expect(sampleValue(text, 'pause_seconds_sum', { kind: 'minor', thread: 'main' })).toBeCloseTo(0.022);
    expect(sampleValue(text, 'pause_seconds_bucket', { kind: 'minor', thread: 'main', le: '0.01' })).toBe(1);
    expect(sampleValue(text, 'pause_seconds_count', { kind: 'minor' })).toBeUndefined();
    expect(sampleValue(text, 'deliveries_total')).toBeUndefined();
    expect(sampleValue(text, 'absent_total')).toBeUndefined();
    // Every sample line is read; comments are not samples.
    expect(parseExposition(text)).toHaveLength(
      text.split('\n').filter((l) => l && !l.startsWith('#')).length,
    );
  });
});
