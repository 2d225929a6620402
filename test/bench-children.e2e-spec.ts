import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from './support/wait-for';

const ROOT = join(__dirname, '..');

/** Starts the fixture under ts-node and resolves with it and the pid of the child it tracks. */
async function start(mode: 'wait' | 'fail'): Promise<{ bench: ChildProcess; childPid: number }> {
  const bench = spawn(
    process.execPath,
    [
      '--require',
      'ts-node/register/transpile-only',
      join(__dirname, 'support', 'bench-children-child.ts'),
      mode,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    bench.once('exit', (code) => reject(new Error(`the fixture exited (${code}) before printing`)));
    createInterface({ input: bench.stdout! }).once('line', resolve);
  });
  return { bench, childPid: Number(line) };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

/** Running, and not a zombie left for a PID 1 that does not reap (state Z in /proc/<pid>/stat). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('the bench stops what it started', () => {
  const started: number[] = [];
  // Nothing outlives a failed test.
  afterEach(() => {
    for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('stops its child processes on SIGTERM and exits 143', async () => {
    const { bench, childPid } = await start('wait');
    started.push(childPid);
    expect(alive(childPid)).toBe(true);
    const code = exited(bench);
    bench.kill('SIGTERM');
    expect(await code).toBe(143);
    expect(
      await waitFor(
        () => Promise.resolve(alive(childPid)),
        (up) => !up,
      ),
    ).toBe(false);
  }, 20_000);

  it('kills its child processes when it ends on an error', async () => {
    const { bench, childPid } = await start('fail');
    started.push(childPid);
    expect(await exited(bench)).toBe(1);
    expect(
      await waitFor(
        () => Promise.resolve(alive(childPid)),
        (up) => !up,
      ),
    ).toBe(false);
  }, 20_000);
});
