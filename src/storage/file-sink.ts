import { FileHandle, open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { sizeMismatch } from './byte-counter';

/**
 * What a sink gathers before it writes: one writev per this many bytes, not one per socket read.
 * Measured in the recordings bench: 256 KiB took 0.7 ms of CPU per MB less than a fs.WriteStream;
 * 1 MiB took more than the WriteStream (the chunks have left the CPU's cache by the time they are
 * copied to the kernel), 128 KiB no less than 256.
 */
export const FILE_SINK_BATCH_BYTES = 256 * 1024;

export interface FileSinkOptions {
  /** When given, a body with another number of bytes fails the stream (and nothing is committed). */
  expectedBytes?: number;
  /** Gather this many bytes per write (default FILE_SINK_BATCH_BYTES); tests make it small. */
  batchBytes?: number;
}

/**
 * Writes a stream into a new file (`wx`: never over another) and makes it durable before it
 * finishes: chunks are gathered and written `batchBytes` at a time with one writev, then the file
 * is fdatasynced and closed. A fs.WriteStream writes as soon as the first chunk arrives and then
 * every batch that gathered during a write, so a 1 MiB body arriving in 64 KiB socket reads costs
 * it a dozen or more writes, each a hop to libuv's thread pool; on a busy host those hops cost more
 * CPU than the bytes (docs/benchmarks.md, recordings). Memory stays bounded: at most one batch
 * gathering and one being written, and the stream's highWaterMark holds the source back beyond that.
 * Counts the bytes too, so the caller needs no counting stream of its own.
 */
export class FileSink extends Writable {
  bytes = 0;
  private handle: FileHandle | null = null;
  private gathered: Buffer[] = [];
  private gatheredBytes = 0;
  private readonly batchBytes: number;

  constructor(
    private readonly path: string,
    private readonly options: FileSinkOptions = {},
  ) {
    const batchBytes = options.batchBytes ?? FILE_SINK_BATCH_BYTES;
    super({ highWaterMark: batchBytes });
    this.batchBytes = batchBytes;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'wx').then(
      (handle) => {
        this.handle = handle;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.take([chunk], callback);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    this.take(
      chunks.map((entry) => entry.chunk),
      callback,
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    const expected = this.options.expectedBytes;
    if (expected !== undefined && this.bytes !== expected) {
      callback(sizeMismatch('fewer', expected));
      return;
    }
    this.writeGathered()
      .then(() => this.openHandle().datasync())
      .then(() => this.closeHandle())
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.gathered = [];
    this.closeHandle().then(
      () => callback(error),
      () => callback(error),
    );
  }

  private take(chunks: Buffer[], callback: (error?: Error | null) => void): void {
    for (const chunk of chunks) {
      this.bytes += chunk.length;
      this.gathered.push(chunk);
      this.gatheredBytes += chunk.length;
    }
    const expected = this.options.expectedBytes;
    if (expected !== undefined && this.bytes > expected) {
      callback(sizeMismatch('more', expected));
      return;
    }
    if (this.gatheredBytes < this.batchBytes) {
      callback();
      return;
    }
    this.writeGathered().then(() => callback(), callback);
  }

  /** Writes what has gathered, looping until the kernel took every byte (a writev may take fewer). */
  private async writeGathered(): Promise<void> {
    let buffers = this.gathered;
    this.gathered = [];
    this.gatheredBytes = 0;
    while (buffers.length > 0) {
      const { bytesWritten } = await this.openHandle().writev(buffers);
      if (bytesWritten === 0 && buffers.some((buffer) => buffer.length > 0))
        throw new Error(`the file system took none of the bytes written to ${this.path}`);
      buffers = remainingAfter(buffers, bytesWritten);
    }
  }

  /** The file, while it is open: a write that outlives destroy() fails with a reason, not a TypeError. */
  private openHandle(): FileHandle {
    if (this.handle === null) throw new Error(`${this.path} was closed before the write ended`);
    return this.handle;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) await handle.close();
  }
}

/** The buffers left after the first `written` bytes of `buffers`. */
export function remainingAfter(buffers: Buffer[], written: number): Buffer[] {
  let skip = written;
  let index = 0;
  while (index < buffers.length && skip >= buffers[index].length) {
    skip -= buffers[index].length;
    index += 1;
  }
  const left = buffers.slice(index);
  if (left.length > 0 && skip > 0) left[0] = left[0].subarray(skip);
  return left;
}
