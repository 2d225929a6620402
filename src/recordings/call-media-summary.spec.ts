import { holdsFile, summarize } from './call-media.repository';

describe('what people read of the archive', () => {
  const at = new Date('2026-12-01T00:00:00Z');

  it('takes a row with a storage key and an archive time as holding its file, unless deleted', () => {
    expect(holdsFile({ status: 'checking', storageKey: 'k', archivedAt: at })).toBe(true);
    expect(holdsFile({ status: 'failed', storageKey: 'k', archivedAt: at })).toBe(true);
    expect(holdsFile({ status: 'deleted', storageKey: 'k', archivedAt: at })).toBe(false);
    expect(holdsFile({ status: 'pending', storageKey: null, archivedAt: null })).toBe(false);
    expect(holdsFile({ status: 'pending', storageKey: 'k', archivedAt: null })).toBe(false);
  });

  it('counts every row holding a file as archived, and the rest by their status', () => {
    expect(
      summarize({
        byStatus: { pending: 3, checking: 2, archived: 5, failed: 4, expired: 1, deleted: 6 },
        heldByStatus: { checking: 1, archived: 5, failed: 1 },
        bytesStored: 7_000,
      }),
    ).toEqual({ pending: 4, archived: 7, failed: 3, expired: 1, deleted: 6, bytesStored: 7_000 });
  });
});
