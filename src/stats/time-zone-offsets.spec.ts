import { addDays, localMidnight, offsetAt, offsetSegments } from './time-zone-offsets';

describe('time zone offsets', () => {
  it('gives the UTC offset of a zone at an instant, DST included', () => {
    expect(offsetAt('Europe/Paris', new Date('2024-01-15T12:00:00Z'))).toBe(3600);
    expect(offsetAt('Europe/Paris', new Date('2024-07-15T12:00:00Z'))).toBe(7200);
    expect(offsetAt('America/New_York', new Date('2024-07-15T12:00:00Z'))).toBe(-4 * 3600);
    expect(offsetAt('Asia/Kolkata', new Date('2024-07-15T12:00:00Z'))).toBe(5.5 * 3600);
    expect(offsetAt('UTC', new Date('2024-07-15T12:00:00Z'))).toBe(0);
  });

  it('cuts a range at each DST transition, to the minute', () => {
    const segments = offsetSegments(
      'Europe/Paris',
      new Date('2024-03-01T00:00:00Z'),
      new Date('2024-11-30T00:00:00Z'),
    );
    expect(segments).toEqual([
      { until: new Date('2024-03-31T01:00:00Z'), offsetSeconds: 3600 },
      { until: new Date('2024-10-27T01:00:00Z'), offsetSeconds: 7200 },
      { until: null, offsetSeconds: 3600 },
    ]);
  });

  it('keeps one segment for a zone without DST', () => {
    expect(offsetSegments('UTC', new Date('2024-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'))).toEqual(
      [{ until: null, offsetSeconds: 0 }],
    );
  });

  it('finds local midnight, also on DST days', () => {
    expect(localMidnight('Europe/Paris', '2024-06-04').toISOString()).toBe('2024-06-03T22:00:00.000Z');
    expect(localMidnight('Europe/Paris', '2024-03-31').toISOString()).toBe('2024-03-30T23:00:00.000Z');
    expect(localMidnight('Europe/Paris', '2024-04-01').toISOString()).toBe('2024-03-31T22:00:00.000Z');
    expect(localMidnight('America/New_York', '2024-11-03').toISOString()).toBe('2024-11-03T04:00:00.000Z');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
  });
});

describe('time zone offsets from unaligned instants', () => {
  it('finds the transition when the range starts between minutes', () => {
    const segments = offsetSegments(
      'Europe/Paris',
      new Date('2024-03-30T17:23:45.678Z'),
      new Date('2024-04-02T00:00:00Z'),
    );
    expect(segments).toEqual([
      { until: new Date('2024-03-31T01:00:00Z'), offsetSeconds: 3600 },
      { until: null, offsetSeconds: 7200 },
    ]);
  });
});
