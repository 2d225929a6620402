import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { SERVICE_NODE_FLAGS } from '../../src/node-flags';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEY } from './test-app';

const ROOT = resolve(__dirname, '..', '..');
/** Under node_modules so the compiled service resolves its dependencies like the real `dist/`. */
const BUILDS = join(ROOT, 'node_modules', '.cache', 'aircall-sync-instances');

export interface ServiceBuild {
  /** The compiled `main.js` to run with node. */
  main: string;
  remove(): void;
}

/**
 * Compiles the service once for a suite (`tsc -p tsconfig.build.json` into a private directory, so
 * suites and engineers building `dist/` at the same time never overwrite each other's files).
 * Type errors elsewhere in the tree do not stop the emit; a missing main.js does.
 */
export async function buildService(): Promise<ServiceBuild> {
  const outDir = join(BUILDS, `${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(outDir, { recursive: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const output = await new Promise<string>((done) =>
    execFile(
      process.execPath,
      [
        tsc,
        '-p',
        join(ROOT, 'tsconfig.build.json'),
        '--outDir',
        outDir,
        '--tsBuildInfoFile',
        join(outDir, '.tsbuildinfo'),
        '--sourceMap',
        'false',
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (_error, stdout, stderr) => done(`${stdout}${stderr}`),
    ),
  );
  const main = join(outDir, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`the service did not compile:\n${output.slice(0, 4000)}`);
  return { main, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ServiceInstance {
  name: string;
  pid: number;
  baseUrl: string;
  /** The last lines the process wrote (stdout and stderr), for diagnostics. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Sends a signal without waiting (SIGKILL for a crash, SIGTERM for an orderly stop). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM and wait for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  name: string;
  databaseUrl: string;
  env?: Record<string, string>;
  /** How long to wait for GET /health to answer 200. */
  readyTimeoutMs?: number;
}

/**
 * Starts the compiled service as a real process (`node dist/src/main.js`) on a free port, configured
 * like the e2e apps (test keys, no cron unless `env` says so), and waits until GET /health answers 200.
 */
export async function spawnInstance(build: ServiceBuild, options: SpawnOptions): Promise<ServiceInstance> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    AIRCALL_API_URL: 'http://127.0.0.1:9',
    AIRCALL_DASHBOARD_URL: 'http://127.0.0.1:9',
    SYNC_CRON: 'off',
    WEBHOOK_CHECK_CRON: 'off',
    INBOX_POLL_MS: '50',
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [...SERVICE_NODE_FLAGS, build.main], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => {
      running = false;
      done({ code, signal });
    }),
  );
  const instance: ServiceInstance = {
    name: options.name,
    pid: child.pid!,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => lines.join('\n'),
    exited,
    isRunning: () => running,
    signal: (signal) => {
      if (running) child.kill(signal);
    },
    stop: async (graceMs = 30_000) => {
      if (!running) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (!running)
      throw new Error(`instance ${options.name} exited before it was ready:\n${instance.output()}`);
    try {
      const res = await fetch(`${instance.baseUrl}/health`);
      if (res.status === 200) return instance;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`instance ${options.name} not ready within the timeout:\n${instance.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
