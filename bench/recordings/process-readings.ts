import { readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system, every thread) the process has used so far; null without /proc. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The process's resident memory now (VmRSS), MB; null once it is gone or without /proc. */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` and keeps the peak (and when it was). */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** The peak so far, MB. */
  get peakMb(): number {
    return this.peak;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    const now = rssMb(this.pid);
    if (now !== null && now > this.peak) this.peak = now;
  }
}

/** Cores a process kept busy between two readings of processCpuSeconds, over `wallSeconds`. */
export function cores(before: number | null, after: number | null, wallSeconds: number): number | null {
  if (before === null || after === null || wallSeconds <= 0) return null;
  return Math.round(((after - before) / wallSeconds) * 100) / 100;
}
