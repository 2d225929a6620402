import { AircallCall } from '../../src/aircall/aircall-types';
import { CallSpace, firstIndexWhere, generateCall, startedAtOf } from './call-generator';

export interface CallQuery {
  /** Exclusive lower bound on started_at (unix s). */
  from?: number;
  /** Inclusive upper bound on started_at (unix s). */
  to?: number;
  /** Oldest started_at served at all (history limit). */
  historyStart?: number;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Gap between the last generated id and the first added call's id. */
const ADDED_ID_GAP = 1_000_000;

const byStartThenId = (a: AircallCall, b: AircallCall) =>
  (a.started_at ?? 0) - (b.started_at ?? 0) || a.id - b.id;

/**
 * One company's calls: `space.count` calls generated on demand from the seed (nothing stored), plus
 * the calls a test changed (kept whole, by id) and the calls a test added (kept, sorted by start).
 * Listing merges both sequences in (started_at, id) order without materialising the generated part.
 */
export class CallStore {
  private readonly changed = new Map<number, AircallCall>();
  private added: AircallCall[] = [];
  private nextAddedId: number;

  constructor(readonly space: CallSpace) {
    this.nextAddedId = space.idBase + space.count + ADDED_ID_GAP;
  }

  get total(): number {
    return this.space.count + this.added.length;
  }

  /** Id of generated call `index`. */
  idOf(index: number): number {
    return this.space.idBase + index;
  }

  get(id: number): AircallCall | undefined {
    const changed = this.changed.get(id);
    if (changed) return structuredClone(changed);
    const index = id - this.space.idBase;
    if (Number.isInteger(index) && index >= 0 && index < this.space.count)
      return generateCall(this.space, index);
    return undefined;
  }

  /** Applies `change` to a copy of the call and keeps the result. Generated calls keep their started_at. */
  update(id: number, change: (call: AircallCall) => void): AircallCall {
    const call = this.get(id);
    if (!call) throw new Error(`simulator: no call ${id}`);
    const startedAt = call.started_at;
    change(call);
    call.id = id;
    const isAdded = this.added.some((added) => added.id === id);
    if (!isAdded && call.started_at !== startedAt)
      throw new Error('simulator: a generated call keeps its started_at (listing order depends on it)');
    this.changed.set(id, call);
    if (isAdded) this.added = this.added.map((added) => (added.id === id ? call : added)).sort(byStartThenId);
    return structuredClone(call);
  }

  /** Adds a new call (a fresh id is assigned); returns it. */
  add(build: (id: number) => AircallCall): AircallCall {
    const id = this.nextAddedId++;
    const call = { ...build(id), id };
    this.changed.set(id, call);
    this.added = [...this.added, call].sort(byStartThenId);
    return structuredClone(call);
  }

  list(query: CallQuery): { calls: AircallCall[]; total: number } {
    const lower = Math.max(
      query.from !== undefined ? query.from + 1 : -Infinity,
      query.historyStart ?? -Infinity,
    );
    const inRange = (startedAt: number) =>
      startedAt >= lower && (query.to === undefined || startedAt <= query.to);
    const low = firstIndexWhere(this.space, (startedAt) => startedAt >= lower);
    const high =
      query.to === undefined
        ? this.space.count
        : firstIndexWhere(this.space, (startedAt) => startedAt > query.to!);
    const generated = Math.max(0, high - low);
    const added = this.added.filter((call) => inRange(call.started_at ?? 0));
    // Merged (ascending) position of each added call: generated calls with started_at <= its own come first.
    const addedPositions = added.map((call, j) => {
      const before =
        Math.min(
          high,
          Math.max(
            low,
            firstIndexWhere(this.space, (startedAt) => startedAt > (call.started_at ?? 0)),
          ),
        ) - low;
      return before + j;
    });
    const total = generated + added.length;
    const calls: AircallCall[] = [];
    for (let k = query.offset; k < Math.min(total, query.offset + query.limit); k += 1) {
      const position = query.order === 'asc' ? k : total - 1 - k;
      calls.push(this.atPosition(position, low, added, addedPositions));
    }
    return { calls, total };
  }

  private atPosition(
    position: number,
    low: number,
    added: AircallCall[],
    addedPositions: number[],
  ): AircallCall {
    let addedBefore = 0;
    for (let j = 0; j < addedPositions.length; j += 1) {
      if (addedPositions[j] === position) return structuredClone(this.changed.get(added[j].id) ?? added[j]);
      if (addedPositions[j] < position) addedBefore += 1;
    }
    const index = low + position - addedBefore;
    return this.changed.has(this.idOf(index))
      ? structuredClone(this.changed.get(this.idOf(index))!)
      : generateCall(this.space, index);
  }

  /** started_at of generated call `index` (for tests choosing windows). */
  startedAtOf(index: number): number {
    return startedAtOf(this.space, index);
  }
}
