import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports thread and process CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by the server under test (main thread and the rest), the database server and this process. */
export interface CpuReading {
  at: number;
  serviceMain: number;
  serviceOther: number;
  /** null when no local mariadbd/mysqld was found (a remote BENCH_DATABASE_URL). */
  database: number | null;
  generator: number;
  /** The whole machine (/proc/stat), null where it cannot be read. */
  machine: MachineCpu | null;
}

/** CPU seconds the whole machine (all cores) has spent so far by state, from /proc/stat. */
export interface MachineCpu {
  /** Idle, or idle waiting for I/O. */
  idle: number;
  /** Taken by the hypervisor for other guests while this VM wanted to run (`steal`). */
  stolen: number;
}

/** Cores each part kept busy between two readings (CPU seconds / wall seconds). */
export interface CoresUsed {
  serviceMain: number;
  /** The service's other threads: the inbox processor thread, V8's GC and compiler helpers, libuv's pool. */
  serviceOther: number;
  database: number | null;
  /** This process: the load generator. */
  generator: number;
  total: number;
  /** Cores the machine had idle, and cores its hypervisor took (steal): null without /proc/stat. */
  machineIdle: number | null;
  stolen: number | null;
}

/** utime + stime of a /proc stat line, in seconds. */
function statSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal …, in ticks
 * summed over all cores (kernels before 2.6.11 have no steal field: 0).
 */
export function parseProcStat(text: string): MachineCpu {
  const end = text.indexOf('\n');
  const fields = (end === -1 ? text : text.slice(0, end)).trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 5) throw new Error(`not a /proc/stat cpu line: ${fields[0]}`);
  const ticks = (i: number) => Number(fields[i] ?? 0) / TICKS_PER_SECOND;
  return { idle: ticks(4) + ticks(5), stolen: ticks(8) };
}

function readMachine(): MachineCpu | null {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

function databasePid(): number | null {
  try {
    const pids = execFileSync('pidof', ['mariadbd', 'mysqld'], { encoding: 'utf8' }).trim().split(/\s+/);
    return pids[0] ? Number(pids[0]) : null;
  } catch {
    return null;
  }
}

/**
 * Where the machine's CPU goes while the service is under load, read from /proc (Linux); null where
 * there is no /proc. The service's main thread is the one whose id is the process id.
 */
export function readCpu(servicePid: number): CpuReading | null {
  try {
    let serviceMain = 0;
    let serviceOther = 0;
    for (const tid of readdirSync(`/proc/${servicePid}/task`)) {
      let seconds: number;
      try {
        seconds = statSeconds(`/proc/${servicePid}/task/${tid}/stat`);
      } catch {
        continue; // the thread ended between the listing and the read
      }
      if (tid === String(servicePid)) serviceMain = seconds;
      else serviceOther += seconds;
    }
    const pid = databasePid();
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      serviceMain,
      serviceOther,
      database: pid === null ? null : statSeconds(`/proc/${pid}/stat`),
      generator: (usage.user + usage.system) / 1e6,
      machine: readMachine(),
    };
  } catch {
    return null;
  }
}

export function coresUsed(before: CpuReading, after: CpuReading): CoresUsed {
  const wall = (after.at - before.at) / 1000;
  const cores = (a: number, b: number) => Math.round(((b - a) / wall) * 100) / 100;
  const used = {
    serviceMain: cores(before.serviceMain, after.serviceMain),
    serviceOther: cores(before.serviceOther, after.serviceOther),
    database:
      before.database === null || after.database === null ? null : cores(before.database, after.database),
    generator: cores(before.generator, after.generator),
  };
  const total =
    Math.round((used.serviceMain + used.serviceOther + (used.database ?? 0) + used.generator) * 100) / 100;
  const both = before.machine !== null && after.machine !== null;
  return {
    ...used,
    total,
    machineIdle: both ? cores(before.machine!.idle, after.machine!.idle) : null,
    stolen: both ? cores(before.machine!.stolen, after.machine!.stolen) : null,
  };
}
