import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** A thread's kernel id and nice value (Linux). */
export interface ThreadPriority {
  tid: number;
  nice: number;
}

/** The kernel's id of the calling thread on Linux (`/proc/thread-self` → `<pid>/task/<tid>`), else null. */
export function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Lowers the scheduling priority of the calling thread only, to `nice` (0–19, higher yields more).
 * On Linux a nice value belongs to a thread: setpriority(2) with a thread id changes that thread and
 * leaves the rest of the process alone. Raising a nice value needs no privilege. Returns the thread id
 * and the nice value read back, or null where there are no thread ids to use (not Linux) or the kernel
 * refused.
 */
export function lowerThreadPriority(nice: number): ThreadPriority | null {
  const tid = currentThreadId();
  if (tid === null) return null;
  try {
    if (getPriority(tid) < nice) setPriority(tid, nice);
    return { tid, nice: getPriority(tid) };
  } catch {
    return null;
  }
}
