import { describeCores } from '../bench/ingest/ingest-bench';
import { coresUsed, CpuReading, parseProcStat, readCpu } from '../bench/support/cpu-usage';

/** The bench's reading of where the machine's CPU went during an 80 % run. */
describe('bench CPU accounting', () => {
  it('reads idle (with I/O wait) and stolen time from the aggregate line of /proc/stat', () => {
    const stat =
      'cpu  55278 2052 12763 60097 1594 0 2065 5491 0 0\ncpu0 27000 1000 6000 30000 800 0 1000 2700 0 0\n';
    const machine = parseProcStat(stat);
    expect(machine.idle).toBeCloseTo(616.91, 6);
    expect(machine.stolen).toBeCloseTo(54.91, 6);
    // Kernels before 2.6.11 have no steal column.
    expect(parseProcStat('cpu 10 0 10 500 20 0 0')).toEqual({ idle: 5.2, stolen: 0 });
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow('not a /proc/stat cpu line');
  });

  const reading = (at: number, idle: number, stolen: number, machine = true): CpuReading => ({
    at,
    serviceMain: at / 2000,
    serviceOther: at / 4000,
    database: at / 1000,
    generator: at / 10000,
    machine: machine ? { idle, stolen } : null,
  });

  it('turns two readings into cores per part, the machine idle and the hypervisor share', () => {
    const cores = coresUsed(reading(1000, 100, 20), reading(3000, 100.5, 20.3));
    expect(cores).toEqual({
      serviceMain: 0.5,
      serviceOther: 0.25,
      database: 1,
      generator: 0.1,
      total: 1.85,
      machineIdle: 0.25,
      stolen: 0.15,
    });
    expect(describeCores(cores)).toBe(
      'service main thread 0.5, its other threads 0.25, database 1, load generator 0.1: 1.85 (machine idle 0.25, taken by the hypervisor 0.15)',
    );
    const without = coresUsed(reading(1000, 0, 0, false), reading(3000, 0, 0));
    expect([without.machineIdle, without.stolen]).toEqual([null, null]);
    expect(describeCores(without)).toBe(
      'service main thread 0.5, its other threads 0.25, database 1, load generator 0.1: 1.85',
    );
  });

  it('reads this machine when it has /proc (Linux)', () => {
    const now = readCpu(process.pid);
    if (process.platform !== 'linux') {
      expect(now).toBeNull();
      return;
    }
    expect(now).not.toBeNull();
    expect(now!.serviceMain).toBeGreaterThan(0);
    expect(now!.machine!.idle).toBeGreaterThan(0);
    expect(now!.machine!.stolen).toBeGreaterThanOrEqual(0);
  });
});
