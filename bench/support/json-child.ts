import { spawn } from 'node:child_process';
import { trackChild } from './children';

/**
 * Runs `node <args>` and resolves with the JSON object its last line of stdout holds: how a bench
 * section runs its measurement in a process of its own, so this driver's memory and CPU stay out of it.
 */
export function runJsonChild<T>(args: readonly string[], what: string): Promise<T> {
  return new Promise((resolveRun, reject) => {
    const child = trackChild(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolveRun(JSON.parse(last) as T);
      else reject(new Error(`${what} exited with ${code}: ${stderr.trim() || stdout.slice(-1000)}`));
    });
  });
}
