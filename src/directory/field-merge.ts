/**
 * Field-level merge of directory objects (users, numbers, teams, tags, contacts). Aircall sends the
 * same object in several shapes: whole from its own events and list endpoints, trimmed when nested in
 * a call or a comment (no `substatus`, `wrap_up_time`, sometimes no `time_zone` or `language`:
 * docs/aircall-behaviour.md §4). So a snapshot only updates the keys it carries, and each key keeps
 * the version of the snapshot that last set it: an older snapshot never overwrites a newer value,
 * and a trimmed copy never erases what a full one set.
 */

/** The version each key of a merged object was last set by (see calls/state-version.ts). */
export type FieldVersions = Record<string, number>;

/** A directory object as merged so far: its keys, their versions, and its deletion. */
export interface MergedObject {
  object: Record<string, unknown>;
  versions: FieldVersions;
  /** When the object was deleted at Aircall (ISO string), or null. */
  deletedAt: string | null;
}

/** One observation of an object: the keys it carries, at a version. */
export interface ObjectSnapshot {
  object: Record<string, unknown>;
  version: number;
  /**
   * Only the object's own events and list endpoints say whether it exists: they set `deletedAt`
   * (a timestamp for `*.deleted`, null otherwise). Copies nested in other objects leave it alone.
   */
  deletedAt?: string | null;
}

/** Pseudo-key under which the deletion's version is kept in FieldVersions. */
export const DELETED_KEY = '$deleted';

/**
 * A total order on values, so two snapshots of equal version that disagree on a key end with the
 * same value in any arrival order: a value beats null (the second `user.closed.v2` of a pair adds
 * `substatus`), then the larger JSON text wins.
 */
function beats(candidate: unknown, current: unknown): boolean {
  const absent = (value: unknown) => value === null || value === undefined;
  if (absent(candidate)) return false;
  if (absent(current)) return true;
  return JSON.stringify(candidate) > JSON.stringify(current);
}

function takes(version: number, stored: number | undefined, candidate: unknown, current: unknown): boolean {
  if (stored === undefined || version > stored) return true;
  return version === stored && beats(candidate, current);
}

/**
 * Folds `snapshot` into `merged` (in place); true when anything changed. Keys are compared one by
 * one: a key is taken when the snapshot is newer than the version that set it, or as new and larger
 * by the order above.
 */
export function mergeSnapshot(merged: MergedObject, snapshot: ObjectSnapshot): boolean {
  let changed = false;
  for (const key of Object.keys(snapshot.object)) {
    const value = snapshot.object[key];
    if (!takes(snapshot.version, merged.versions[key], value, merged.object[key])) continue;
    if (
      merged.versions[key] !== snapshot.version ||
      JSON.stringify(merged.object[key]) !== JSON.stringify(value)
    ) {
      merged.object[key] = value;
      merged.versions[key] = snapshot.version;
      changed = true;
    }
  }
  if (snapshot.deletedAt !== undefined) {
    if (takes(snapshot.version, merged.versions[DELETED_KEY], snapshot.deletedAt, merged.deletedAt)) {
      if (merged.versions[DELETED_KEY] !== snapshot.version || merged.deletedAt !== snapshot.deletedAt) {
        merged.deletedAt = snapshot.deletedAt;
        merged.versions[DELETED_KEY] = snapshot.version;
        changed = true;
      }
    }
  }
  return changed;
}

/**
 * The merge state of a stored row. Rows written before field versions existed carry one version for
 * the whole row: every key they hold, and their deletion, count as set at that version.
 */
export function storedObject(
  object: Record<string, unknown> | null,
  versions: FieldVersions | null,
  rowVersion: number,
  deletedAt: string | null,
): MergedObject {
  const copy = { ...(object ?? {}) };
  if (versions) return { object: copy, versions: { ...versions }, deletedAt };
  const legacy: FieldVersions = { [DELETED_KEY]: rowVersion };
  for (const key of Object.keys(copy)) legacy[key] = rowVersion;
  return { object: copy, versions: legacy, deletedAt };
}

/** The newest version any key of the object was set at (the row's state_version). */
export function newestVersion(merged: MergedObject): number {
  let newest = 0;
  for (const version of Object.values(merged.versions)) if (version > newest) newest = version;
  return newest;
}

/**
 * The merged object and its versions with their keys in sorted order: the same snapshots merged in
 * any order must store the same text (instances applying them in different orders end in equal rows).
 */
export function canonical(merged: MergedObject): {
  object: Record<string, unknown>;
  versions: FieldVersions;
} {
  const sorted = <T>(record: Record<string, T>): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const key of Object.keys(record).sort()) out[key] = record[key];
    return out;
  };
  return { object: sorted(merged.object), versions: sorted(merged.versions) };
}
