import { spawn } from 'node:child_process';
import { trackChild } from '../../bench/support/children';

/**
 * For test/bench-children.e2e-spec.ts: starts, as the bench does, one long-running child through
 * trackChild, prints its pid, then waits for a signal (argv[2] = 'wait') or fails at once ('fail').
 */
const child = trackChild(
  spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' }),
);
process.stdout.write(`${child.pid}\n`);
if (process.argv[2] === 'fail') setTimeout(() => process.exit(1), 200);
else setInterval(() => undefined, 1000);
