import { bucketDates, MAX_ENUMERATED_BUCKETS } from './call-stats.service';

describe('time buckets', () => {
  it('lists the local days a range touches', () => {
    expect(bucketDates('UTC', new Date('2024-06-01T10:00:00Z'), new Date('2024-06-03T00:00:00Z'), 1)).toEqual(
      ['2024-06-01', '2024-06-02'],
    );
    // 22:30 UTC on May 31 is already June 1 in Paris.
    expect(
      bucketDates('Europe/Paris', new Date('2024-05-31T22:30:00Z'), new Date('2024-06-01T23:00:00Z'), 1),
    ).toEqual(['2024-06-01', '2024-06-02']);
  });

  it('starts weeks on the Monday on or before the range', () => {
    expect(bucketDates('UTC', new Date('2024-06-02T12:00:00Z'), new Date('2024-06-04T00:00:00Z'), 7)).toEqual(
      ['2024-05-27', '2024-06-03'],
    );
  });

  it('gives up beyond the enumerable number of buckets', () => {
    const from = new Date('2020-01-01T00:00:00Z');
    expect(
      bucketDates('UTC', from, new Date(from.getTime() + MAX_ENUMERATED_BUCKETS * 86_400_000), 1),
    ).toHaveLength(MAX_ENUMERATED_BUCKETS);
    expect(
      bucketDates('UTC', from, new Date(from.getTime() + (MAX_ENUMERATED_BUCKETS + 1) * 86_400_000), 1),
    ).toBeNull();
  });
});
