import { ChildProcess } from 'node:child_process';

/** The processes the bench has started and not yet seen exit. */
const running = new Set<ChildProcess>();
let installed = false;
let stopping = false;

/** The bench was told to stop (SIGINT, SIGTERM): start nothing more and write no results. */
export function benchStopping(): boolean {
  return stopping;
}

/**
 * Remembers a process the bench started, until it exits, so that a bench stopped by SIGINT or
 * SIGTERM (Ctrl-C, a CI timeout) or ending on an error stops it too rather than leaving the service,
 * a simulator or a measuring child running (and holding its port, its database, its CPU).
 */
export function trackChild<T extends ChildProcess>(child: T): T {
  installStop();
  // Started by a section still unwinding after the signal: stopped at once.
  if (stopping) child.kill('SIGTERM');
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Processes started and still running (for tests). */
export function trackedChildren(): number {
  return running.size;
}

function installStop(): void {
  if (installed) return;
  installed = true;
  const stop = (signal: NodeJS.Signals, code: number) => {
    stopping = true;
    process.stderr.write(`bench: ${signal}: stopping ${running.size} child process(es)\n`);
    const children = [...running];
    for (const child of children) child.kill('SIGTERM');
    const gone = Promise.all(
      children.map((child) =>
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve()
          : new Promise<void>((resolve) => child.once('exit', () => resolve())),
      ),
    );
    // The service shuts down gracefully on SIGTERM; whatever has not exited after 5 s is killed.
    const deadline = setTimeout(() => process.exit(code), 5_000);
    void gone.then(() => {
      clearTimeout(deadline);
      process.exit(code);
    });
  };
  process.once('SIGINT', () => stop('SIGINT', 130));
  process.once('SIGTERM', () => stop('SIGTERM', 143));
  // Whatever way the bench ends, nothing it started outlives it.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}
