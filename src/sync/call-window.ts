/**
 * A slice of call history as `GET /v1/calls` takes it: `from` exclusive and `to` inclusive on
 * `started_at`, in unix seconds (verified against the simulator, which follows
 * https://developer.aircall.io/api-references/ "List all Calls": from = minimum, to = maximum creation date).
 */
export interface CallWindow {
  /** Exclusive lower bound, unix seconds. */
  from: number;
  /** Inclusive upper bound, unix seconds. */
  to: number;
}

/** The window covering every call started in [from, to] (both instants included). */
export function windowCovering(from: Date, to: Date): CallWindow {
  // `from` is exclusive at Aircall: start one second earlier so a call started at `from` is included.
  return { from: Math.floor(from.getTime() / 1000) - 1, to: Math.floor(to.getTime() / 1000) };
}

/** How many distinct seconds of `started_at` the window holds. */
export function windowSeconds(window: CallWindow): number {
  return Math.max(0, window.to - window.from);
}
