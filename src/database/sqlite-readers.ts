import { Worker } from 'node:worker_threads';
import type { Row } from './database';

/** A read ran past its time limit and was abandoned (on SQLite, with the thread running it). */
export class StatementTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`the statement ran longer than ${limitMs} ms`);
    this.name = 'StatementTimeoutError';
  }
}

/**
 * The reader thread: one read-only better-sqlite3 connection to the file, statements prepared once.
 * Kept as source text (run with `eval`) so that it runs the same from ts-jest and from dist/, without
 * a TypeScript loader in the thread.
 */
const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.module);
const db = new Sqlite(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 1000');
const statements = new Map();
parentPort.on('message', ({ sql, params }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (!statement.reader) throw new Error('only statements that return rows run on a reader thread');
      if (statements.size >= 500) statements.clear();
      statements.set(sql, statement);
    }
    parentPort.postMessage({ rows: statement.all(...params) });
  } catch (error) {
    parentPort.postMessage({ error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

interface Job {
  sql: string;
  params: readonly unknown[];
  resolve: (rows: Row[]) => void;
  reject: (error: Error) => void;
}

interface Reader {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Reads of the embedded SQLite file, off the main thread: better-sqlite3 runs a statement to its end
 * on the thread that calls it, so a long read there would hold every webhook acknowledgement behind it.
 * Each of `threads` threads holds a read-only connection (WAL: readers never block the writer, which
 * stays on the main thread). A read past `timeoutMs` is answered with StatementTimeoutError at once and
 * its thread is abandoned: SQLite cannot be interrupted from outside, so that thread finishes the
 * statement and exits while a new one takes its place. At most `threads` such threads may be winding
 * down; past that, reads wait for one to exit, so a flood of slow queries cannot multiply threads.
 */
export class SqliteReaders {
  private readonly idle: Reader[] = [];
  private readonly busy = new Set<Reader>();
  private readonly queue: Job[] = [];
  private windingDown = 0;
  private closed = false;
  private readonly module = require.resolve('better-sqlite3');

  constructor(
    private readonly file: string,
    private readonly threads: number,
    private readonly timeoutMs: number,
  ) {}

  read(sql: string, params: readonly unknown[]): Promise<Row[]> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    return new Promise<Row[]>((resolve, reject) => {
      this.queue.push({ sql, params, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the database is closed'));
    const all = [...this.idle.splice(0), ...this.busy];
    this.busy.clear();
    await Promise.all(all.map((reader) => reader.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let reader = this.idle.pop();
      if (!reader) {
        if (this.busy.size + this.windingDown >= this.threads * 2 || this.busy.size >= this.threads) return;
        reader = this.spawn();
      }
      this.run(reader, this.queue.shift()!);
    }
  }

  private spawn(): Reader {
    const worker = new Worker(READER_SOURCE, {
      eval: true,
      workerData: { file: this.file, module: this.module },
    });
    const reader: Reader = { worker, job: null, timer: null };
    worker.on('message', (message: { rows?: Row[]; error?: { message: string; code?: string } }) => {
      const job = reader.job;
      if (!job) return;
      this.settle(reader);
      if (message.error)
        job.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else job.resolve(message.rows ?? []);
      if (!this.closed) {
        this.idle.push(reader);
        this.dispatch();
      }
    });
    worker.on('error', (error) => {
      const job = reader.job;
      this.settle(reader);
      job?.reject(error);
    });
    worker.on('exit', () => {
      const job = reader.job;
      if (this.busy.delete(reader)) job?.reject(new Error('the reader thread stopped'));
      const index = this.idle.indexOf(reader);
      if (index >= 0) this.idle.splice(index, 1);
      this.dispatch();
    });
    worker.unref();
    return reader;
  }

  private run(reader: Reader, job: Job): void {
    reader.job = job;
    this.busy.add(reader);
    reader.timer = setTimeout(() => this.abandon(reader), this.timeoutMs);
    reader.worker.postMessage({ sql: job.sql, params: job.params });
  }

  private settle(reader: Reader): void {
    if (reader.timer) clearTimeout(reader.timer);
    reader.timer = null;
    reader.job = null;
    this.busy.delete(reader);
  }

  /** The read ran too long: answer now, let its thread finish the statement and exit. */
  private abandon(reader: Reader): void {
    const job = reader.job;
    this.settle(reader);
    job?.reject(new StatementTimeoutError(this.timeoutMs));
    this.windingDown += 1;
    reader.worker.removeAllListeners('message');
    reader.worker.once('exit', () => {
      this.windingDown -= 1;
      this.dispatch();
    });
    void reader.worker.terminate();
    this.dispatch();
  }
}
