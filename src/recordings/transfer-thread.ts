import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../workers/worker-thread';
import { MediaTransientError } from './media-fetch';
import {
  MediaTransferRequest,
  MediaTransferResult,
  receivedError,
  SentError,
  TransferSettings,
} from './media-transfer';

/** Messages between the archiver (main thread) and the transfer thread. */
export type ToTransferThread =
  | { type: 'transfer'; id: number; request: MediaTransferRequest }
  | { type: 'abort'; id: number; message: string }
  | { type: 'stop' };
/** Every message but `stopped` carries the bytes that arrived since the one before (one post, not two). */
export type FromTransferThread =
  | { type: 'progress'; bytes: number }
  /** Every byte of the file has arrived and been checked; the storage is still committing it. */
  | { type: 'received'; id: number; bytes: number }
  | { type: 'done'; id: number; result: MediaTransferResult; bytes: number }
  | { type: 'failed'; id: number; error: SentError; bytes: number }
  | { type: 'stopped' };

interface Pending {
  onReceived?: () => void;
  resolve: (result: MediaTransferResult) => void;
  reject: (error: Error) => void;
  detach: () => void;
}

/**
 * The archive's downloads run in a worker thread of their own. The bytes (about a gigabyte per
 * thousand recordings) then churn the small heap of that thread, not the service's: each megabyte
 * arriving as socket buffers drives V8's full collections, and on the main thread every one of them
 * marks the whole application. Hashing moves there too. The archiver keeps the claims and the
 * database; this class hands it one promise per file, started lazily and again after a crash.
 */
export class MediaTransferThread {
  private readonly logger = new Logger(MediaTransferThread.name);
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly settings: TransferSettings,
    /** How long close() waits for the thread before ending it. */
    private readonly stopTimeoutMs: number,
    private readonly onProgress: (bytes: number) => void,
  ) {}

  /**
   * Copies one file into the archive; `signal` aborts it (the promise rejects with its reason).
   * `onReceived` is called when the download is over and only the storage's commit remains.
   */
  transfer(
    request: MediaTransferRequest,
    signal: AbortSignal,
    onReceived?: () => void,
  ): Promise<MediaTransferResult> {
    if (signal.aborted) return Promise.reject(asError(signal.reason));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<MediaTransferResult>((resolve, reject) => {
      const abort = () =>
        worker.postMessage({
          type: 'abort',
          id,
          message: asError(signal.reason).message,
        } satisfies ToTransferThread);
      signal.addEventListener('abort', abort, { once: true });
      this.pending.set(id, {
        onReceived,
        resolve,
        reject,
        detach: () => signal.removeEventListener('abort', abort),
      });
      worker.postMessage({ type: 'transfer', id, request } satisfies ToTransferThread);
    });
  }

  /** Lets the thread close its storage and exit (ended after SHUTDOWN_TIMEOUT_MS otherwise). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToTransferThread);
    const deadline = setTimeout(() => void worker.terminate(), this.stopTimeoutMs);
    await exited;
    clearTimeout(deadline);
  }

  /** Ends the thread at once: its downloads fail as transient, and the next transfer starts a new one. */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  private start(): Worker {
    const worker = startWorkerThread(__filename, 'transfer-worker', {
      workerData: this.settings,
      // The AWS SDK reads its credentials from the environment; under Jest this thread's own copy.
      env: process.env,
    });
    this.worker = worker;
    worker.on('message', (message: FromTransferThread) => {
      if (message.type !== 'stopped' && message.bytes > 0) this.onProgress(message.bytes);
      if (message.type === 'progress') return;
      if (message.type === 'received') this.pending.get(message.id)?.onReceived?.();
      else if (message.type === 'done') this.settle(message.id)?.resolve(message.result);
      else if (message.type === 'failed') this.settle(message.id)?.reject(receivedError(message.error));
      else void worker.terminate();
    });
    worker.on('error', (error) =>
      this.logger.error({ msg: 'recording transfer thread failed', error: String(error) }),
    );
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (this.pending.size === 0) return;
      // Its downloads are lost with it: they end as failed attempts, retried with backoff.
      this.logger.error({ msg: 'recording transfer thread exited', code, downloads: this.pending.size });
      for (const id of [...this.pending.keys()])
        this.settle(id)?.reject(new MediaTransientError(`the transfer thread exited (code ${code})`));
    });
    return worker;
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    entry?.detach();
    return entry;
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new MediaTransientError('aborted');
}
