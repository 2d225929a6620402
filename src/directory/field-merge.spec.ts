import {
  canonical,
  DELETED_KEY,
  MergedObject,
  mergeSnapshot,
  newestVersion,
  ObjectSnapshot,
  storedObject,
} from './field-merge';

const empty = (): MergedObject => ({ object: {}, versions: {}, deletedAt: null });

function fold(snapshots: readonly ObjectSnapshot[], start: MergedObject = empty()): MergedObject {
  for (const snapshot of snapshots) mergeSnapshot(start, snapshot);
  return start;
}

/** Every order of `items` (small arrays only). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

const full = { id: 7, name: 'Ana', substatus: 'always_opened', wrap_up_time: 30, time_zone: 'Europe/Paris' };
const trimmed = { id: 7, name: 'Ana B.', availability_status: 'available' };

describe('mergeSnapshot', () => {
  it('updates only the keys a snapshot carries: a trimmed copy never erases what a full one set', () => {
    const merged = fold([
      { object: full, version: 100, deletedAt: null },
      { object: trimmed, version: 200 },
    ]);
    expect(merged.object).toEqual({ ...full, name: 'Ana B.', availability_status: 'available' });
    expect(merged.versions).toMatchObject({ substatus: 100, name: 200, availability_status: 200 });
  });

  it('never lets an older snapshot overwrite a newer value, key by key', () => {
    const merged = fold([
      { object: trimmed, version: 200 },
      { object: { ...full, name: 'Old name' }, version: 100, deletedAt: null },
    ]);
    expect(merged.object.name).toBe('Ana B.');
    expect(merged.object.substatus).toBe('always_opened');
  });

  it('ends in the same object whatever the order of the snapshots', () => {
    const snapshots: ObjectSnapshot[] = [
      { object: full, version: 100, deletedAt: null },
      { object: trimmed, version: 200 },
      { object: { id: 7, availability_status: 'unavailable' }, version: 150 },
      { object: { id: 7, name: 'Tie A' }, version: 300 },
      { object: { id: 7, name: 'Tie B' }, version: 300 },
    ];
    const results = permutations(snapshots).map((order) => JSON.stringify(canonical(fold(order))));
    expect([...new Set(results)]).toHaveLength(1);
    expect(JSON.parse(results[0]).object).toMatchObject({ name: 'Tie B', availability_status: 'available' });
  });

  it('keeps the substatus the second of two same-second user.closed.v2 deliveries adds, in either order', () => {
    const first = { object: { id: 7, availability_status: 'unavailable' }, version: 500, deletedAt: null };
    const second = {
      object: { id: 7, availability_status: 'unavailable', substatus: 'Out for lunch' },
      version: 500,
      deletedAt: null,
    };
    const withNull = { ...first, object: { ...first.object, substatus: null } };
    for (const order of [
      [first, second],
      [second, first],
      [withNull, second],
      [second, withNull],
    ])
      expect(fold(order, storedObject(full, null, 100, null)).object.substatus).toBe('Out for lunch');
  });

  it('reports whether anything changed, a newer version of the same value included', () => {
    const merged = fold([{ object: full, version: 100, deletedAt: null }]);
    expect(mergeSnapshot(merged, { object: full, version: 100, deletedAt: null })).toBe(false);
    expect(mergeSnapshot(merged, { object: { id: 7, name: 'Ana' }, version: 90 })).toBe(false);
    expect(mergeSnapshot(merged, { object: { id: 7, name: 'Ana' }, version: 110 })).toBe(true);
    expect(merged.versions.name).toBe(110);
  });

  it('deletes and revives only through sources that speak for the object, by version', () => {
    const merged = fold([
      { object: full, version: 100, deletedAt: null },
      { object: { id: 7 }, version: 300, deletedAt: '2026-01-01T00:00:00.000Z' },
      // A call nested the user later, and an older "exists" arrives late: neither revives it.
      { object: trimmed, version: 400 },
      { object: full, version: 200, deletedAt: null },
    ]);
    expect(merged.deletedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(mergeSnapshot(merged, { object: full, version: 500, deletedAt: null })).toBe(true);
    expect(merged.deletedAt).toBeNull();
    expect(merged.versions[DELETED_KEY]).toBe(500);
  });
});

describe('storedObject', () => {
  it('gives every key of a row written before field versions the row version', () => {
    const merged = storedObject(full, null, 100, null);
    expect(merged.versions).toEqual({
      [DELETED_KEY]: 100,
      id: 100,
      name: 100,
      substatus: 100,
      wrap_up_time: 100,
      time_zone: 100,
    });
    expect(newestVersion(merged)).toBe(100);
    mergeSnapshot(merged, { object: { id: 7, name: 'Older' }, version: 50 });
    expect(merged.object.name).toBe('Ana');
  });
});
