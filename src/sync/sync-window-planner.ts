import { AIRCALL_MAX_PER_PAGE } from '../aircall/aircall-client';
import { CallWindow, windowSeconds } from './call-window';

/**
 * Aircall serves at most 10,000 records per query, "even when pagination is used" (page × per_page may
 * not exceed it: the API answers 400) — https://support.aircall.io/en-gb/articles/34702023578397.
 */
export const AIRCALL_MAX_RECORDS_PER_QUERY = 10_000;

/**
 * Splits call windows until each holds at most 10,000 calls, from the `meta.total` Aircall reports for
 * it. A window over the cap is cut into equal time slices sized for ~`target` calls each (a little under
 * the cap, so an uneven spread rarely needs a second split); a slice still over the cap is split again
 * when it is fetched. Pure: no I/O.
 */
export class SyncWindowPlanner {
  constructor(
    private readonly cap = AIRCALL_MAX_RECORDS_PER_QUERY,
    private readonly target = Math.floor(AIRCALL_MAX_RECORDS_PER_QUERY * 0.9),
  ) {}

  /** True when every call of a window of `total` calls is reachable by paging. */
  fits(total: number): boolean {
    return total <= this.cap;
  }

  /**
   * The consecutive sub-windows, oldest first, that together cover `window` exactly, or null when the
   * window is a single second and cannot be split further.
   */
  split(window: CallWindow, total: number): CallWindow[] | null {
    const seconds = windowSeconds(window);
    if (seconds < 2) return null;
    const parts = Math.min(seconds, Math.max(2, Math.ceil(total / this.target)));
    const windows: CallWindow[] = [];
    let from = window.from;
    for (let i = 1; i <= parts; i += 1) {
      const to = i === parts ? window.to : window.from + Math.round((i * seconds) / parts);
      if (to > from) windows.push({ from, to });
      from = to;
    }
    return windows;
  }

  /** Pages of 50 needed for `total` calls, never past the cap (page × per_page ≤ 10,000). */
  pageCount(total: number, perPage = AIRCALL_MAX_PER_PAGE): number {
    return Math.min(Math.ceil(Math.min(total, this.cap) / perPage), Math.floor(this.cap / perPage));
  }
}
