import { Transform, TransformCallback } from 'node:stream';

/**
 * Passes bytes through and counts them; with an expected size, fails the stream on the first byte
 * too many or at the end when short, so a wrong-length body is never committed.
 */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly expectedBytes?: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedBytes !== undefined && this.bytes > this.expectedBytes) {
      callback(sizeMismatch('more', this.expectedBytes));
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedBytes !== undefined && this.bytes !== this.expectedBytes) {
      callback(sizeMismatch('fewer', this.expectedBytes));
      return;
    }
    callback();
  }
}

/** A body whose length is not the `sizeBytes` a write announced (ByteCounter, FileSink). */
export function sizeMismatch(which: 'more' | 'fewer', expectedBytes: number): Error {
  return new Error(`the body has ${which} bytes than the ${expectedBytes} announced in sizeBytes`);
}
