import { sha256Hex } from '../crypto/hashing';

/**
 * Order of a call's lifecycle events within the same second. Aircall's envelope timestamp has
 * one-second resolution and several events of one call often share a second (created and
 * ringing_on_agent, hungup and voicemail_left); within a second the later lifecycle step wins.
 * Post-call edits (tag, comment, assign, archive) come after the call ended. An API read
 * (batch sync) is the full state at the time of the response, so it ranks last.
 */
const EVENT_RANK: Record<string, number> = {
  'call.created': 0,
  'call.ringing_on_agent': 1,
  'call.agent_declined': 2,
  'call.ivr_option_selected': 2,
  'call.answered': 3,
  'call.hold': 4,
  'call.unhold': 4,
  'call.transferred': 5,
  'call.external_transferred': 5,
  'call.unsuccessful_transfer': 5,
  'call.hungup': 6,
  'call.voicemail_left': 7,
  'call.ended': 8,
  'call.comm_assets_generated': 9,
  'call.assigned': 10,
  'call.archived': 10,
  'call.tagged': 10,
  'call.untagged': 10,
  'call.commented': 10,
};
/** Events of other resources (user.*, number.*, contact.*) and unknown call.* events. */
const DEFAULT_RANK = 11;
export const API_SNAPSHOT_SOURCE = 'api';
const API_RANK = 15;

export function eventRank(source: string): number {
  if (source === API_SNAPSHOT_SOURCE) return API_RANK;
  return EVENT_RANK[source] ?? DEFAULT_RANK;
}

/**
 * A totally ordered version for a snapshot: event time in milliseconds × 16 + lifecycle rank.
 * Stored as BIGINT (fits in 2^53 until the year 2527). "Last writer by event time": a row is
 * only overwritten by a snapshot with a greater (version, hash).
 */
export function stateVersion(at: Date, source: string): number {
  return at.getTime() * 16 + eventRank(source);
}

/** The newest snapshot of one key, with its serialized state and that state's SHA-256 (the tie-break between two different states of one version). */
export interface NewestSnapshot<T> {
  item: T;
  version: number;
  /** JSON.stringify of the state (what `hash` is over). */
  json: string;
  hash: string;
}

/**
 * Keeps, per key, the newest of `items` by (version, hash), where the hash is the SHA-256 of
 * JSON.stringify(`state(item)`). Serializing and hashing a snapshot is the costliest step of applying
 * a batch, and a batch often holds several snapshots of one call or user: only the winners and ties
 * are serialized, and only the winners and ties between different states are hashed.
 */
export function newestByKey<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  versionOf: (item: T) => number,
  state: (item: T) => unknown,
): Array<NewestSnapshot<T>> {
  type Entry = { item: T; version: number; json?: string; hash?: string };
  const serialized = (entry: Entry): string => (entry.json ??= JSON.stringify(state(entry.item)));
  const hashed = (entry: Entry): NewestSnapshot<T> => {
    entry.hash ??= sha256Hex(serialized(entry));
    return entry as NewestSnapshot<T>;
  };
  const best = new Map<string, Entry>();
  for (const item of items) {
    const key = keyOf(item);
    const version = versionOf(item);
    const current = best.get(key);
    if (!current || version > current.version) best.set(key, { item, version });
    else if (version === current.version) {
      // A tie is usually the same object seen twice in one snapshot (a call's agent is also its
      // assignee, tagger and comment author): the same state needs no hash to choose between.
      const challenger: Entry = { item, version };
      if (serialized(challenger) !== serialized(current) && isNewer(hashed(challenger), hashed(current)))
        best.set(key, challenger);
    }
  }
  return [...best.values()].map(hashed);
}

export interface Versioned {
  version: number;
  hash: string;
}

/** True when `a` must replace `b`. */
export function isNewer(a: Versioned, b: Versioned): boolean {
  return a.version > b.version || (a.version === b.version && a.hash > b.hash);
}
