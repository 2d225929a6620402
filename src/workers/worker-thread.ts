import { dirname, join } from 'node:path';
import { Worker, WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker thread whose entry point is `entry` (a file name without extension) next to
 * `callerFile` (the caller's `__filename`): the built `.js` file, or under ts-jest, where the caller
 * is TypeScript source, the `.ts` file through ts-node.
 */
export function startWorkerThread(callerFile: string, entry: string, options: WorkerOptions = {}): Worker {
  const typescript = callerFile.endsWith('.ts');
  return new Worker(join(dirname(callerFile), `${entry}.${typescript ? 'ts' : 'js'}`), {
    ...options,
    execArgv: typescript ? ['--require', 'ts-node/register/transpile-only'] : options.execArgv,
  });
}

/**
 * Runs a worker thread's entry point: a start that fails writes one JSON log line (the service's
 * log format, which Nest's logger is not there yet to write) and ends the thread with code 1, which
 * the owner on the main thread sees as an exit.
 */
export function runWorkerThread(context: string, what: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'error', context, msg: `${what} could not start`, error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exit(1);
  });
}
