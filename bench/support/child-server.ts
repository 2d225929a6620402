import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { trackChild } from './children';
import { sleep } from './stats';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A server under test in its own process (own event loop and heap, as in production), so the load
 * generator in this process never steals its CPU time inside one event loop.
 */
export class ChildServer {
  private stderr = '';
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    child.stdout?.on('data', () => undefined);
    child.once('exit', () => {
      this.exited = true;
    });
  }

  /**
   * Starts `node <nodeFlags> <script>` (a path relative to the dist/ root) and waits until it answers
   * HTTP on `readyPath`. The service is started with SERVICE_NODE_FLAGS, as `npm start` starts it.
   */
  static async start(
    script: string,
    env: Record<string, string>,
    port: number,
    readyPath: string,
    nodeFlags: readonly string[] = [],
  ): Promise<ChildServer> {
    const distRoot = resolve(__dirname, '..', '..');
    // BENCH_CPU_PROFILE_DIR: every server under test writes a V8 CPU profile there when it stops.
    const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [];
    const child = trackChild(
      spawn(process.execPath, [...nodeFlags, ...nodeArgs, resolve(distRoot, script)], {
        env: { ...process.env, ...env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const server = new ChildServer(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (server.exited) throw new Error(`${script} exited during start: ${server.stderr}`);
      try {
        const res = await fetch(`${server.baseUrl}${readyPath}`);
        // Any answer means listening: Nest listens only once migrations and modules are ready.
        if (res.status > 0) return server;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    await server.stop();
    throw new Error(`${script} did not become ready within 60 s: ${server.stderr}`);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
