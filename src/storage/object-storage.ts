import { Readable } from 'node:stream';

export interface StoredObject {
  sizeBytes: number;
  contentType: string;
}

/** Inclusive byte range, as HTTP Range gives it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where recordings are archived: a local folder or an S3 bucket, behind one contract that
 * test/object-storage.e2e-spec.ts runs against both. Keys look like
 * `accounts/123/calls/456/recording.mp3` and are checked by assertValidKey (object-key.ts).
 */
export interface ObjectStorage {
  readonly kind: 'local' | 's3';
  /**
   * Streams `body` to `key`. Resolves once stored; if `body` errors or is destroyed, or the write
   * fails, rejects and no partial object, temp file or multipart upload remains: `key` holds what it
   * held before (nothing, or the previous object, intact). Overwrites an existing object atomically.
   * Memory stays flat whatever the size. When `sizeBytes` is given, a body of another length fails.
   */
  write(
    key: string,
    body: Readable,
    meta: { contentType: string; sizeBytes?: number },
  ): Promise<StoredObject>;
  /** null when absent. */
  stat(key: string): Promise<StoredObject | null>;
  /**
   * Streams the object (or the range, its end clamped to the last byte). Rejects with
   * ObjectNotFoundError when absent, RangeNotSatisfiableError when the range starts past the end.
   */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Idempotent. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (e.g. `account/123/`); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** A cheap reachability check for /health (S3: HeadBucket). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no object stored under ${JSON.stringify(key)}`);
    this.name = 'ObjectNotFoundError';
  }
}

/** A read whose range starts past the object's last byte (HTTP answers it 416). */
export class RangeNotSatisfiableError extends Error {
  constructor(
    readonly key: string,
    readonly range: ByteRange,
  ) {
    super(`bytes ${range.start}-${range.end} are outside the object stored under ${JSON.stringify(key)}`);
    this.name = 'RangeNotSatisfiableError';
  }
}

/** Refuses a range no HTTP Range header could produce, before any I/O. */
export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range ${start}-${end}: want integers with 0 <= start <= end`);
  }
}
