import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteCounter } from './byte-counter';
import { assertValidKey, assertValidPrefix } from './object-key';
import {
  assertValidRange,
  ByteRange,
  ObjectNotFoundError,
  ObjectStorage,
  RangeNotSatisfiableError,
  StoredObject,
} from './object-storage';

/** S3's minimum part size; parts this size let an upload reach 50 GB within its 10,000 parts. */
const MIN_PART_BYTES = 5 * 1024 * 1024;
/** The most keys one DeleteObjects takes (and ListObjectsV2 returns per page). */
const DELETE_BATCH = 1000;

export interface S3ObjectStorageOptions {
  bucket: string;
  /** Put before every key (`recordings/` → `recordings/accounts/1/...`); a missing final / is added. */
  prefix?: string;
  /** Defaults to the SDK's own resolution (AWS_REGION, the profile's region). */
  region?: string;
  /** An S3-compatible server (MinIO, R2, ...); AWS when absent. */
  endpoint?: string;
  forcePathStyle?: boolean;
  serverSideEncryption?: 'AES256' | 'aws:kms';
  /** Only with serverSideEncryption 'aws:kms'; the bucket's default KMS key when absent. */
  kmsKeyId?: string;
  /** Defaults to the SDK's provider chain (AWS_ACCESS_KEY_ID/..., profiles, instance roles). */
  credentials?: S3ClientConfig['credentials'];
  /** Bytes per multipart part, at least 5 MiB (the default). */
  partSizeBytes?: number;
  /** Parts uploaded at once; memory held is about (queueSize + 1) × partSizeBytes. Default 2. */
  queueSize?: number;
}

/**
 * Objects in an S3 bucket (or an S3-compatible server), every key under `prefix`. Writes stream
 * through lib-storage's Upload: a body of unknown length goes up in parts of a bounded queue, and a
 * failed write aborts its multipart upload, so S3 never completes a partial object. The credentials
 * need s3:ListBucket besides Get/Put/DeleteObject: without it S3 answers a missing key 403, not 404.
 */
export class S3ObjectStorage implements ObjectStorage {
  readonly kind = 's3' as const;
  /** The SDK client, exposed for instrumentation (its middlewareStack) and for tests. */
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly encryption: { ServerSideEncryption?: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string };
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(options: S3ObjectStorageOptions) {
    if (options.bucket === '') throw new Error('S3 storage: bucket is empty');
    if (options.kmsKeyId !== undefined && options.serverSideEncryption !== 'aws:kms') {
      throw new Error("S3 storage: kmsKeyId needs serverSideEncryption 'aws:kms'");
    }
    if (options.partSizeBytes !== undefined && options.partSizeBytes < MIN_PART_BYTES) {
      throw new Error(`S3 storage: partSizeBytes must be at least ${MIN_PART_BYTES} (S3's minimum part)`);
    }
    this.bucket = options.bucket;
    this.prefix = normalisePrefix(options.prefix ?? '');
    this.encryption = {
      ...(options.serverSideEncryption && { ServerSideEncryption: options.serverSideEncryption }),
      ...(options.kmsKeyId !== undefined && { SSEKMSKeyId: options.kmsKeyId }),
    };
    this.partSize = options.partSizeBytes ?? MIN_PART_BYTES;
    this.queueSize = Math.max(1, options.queueSize ?? 2);
    this.client = new S3Client({
      ...(options.region !== undefined && { region: options.region }),
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
      ...(options.forcePathStyle !== undefined && { forcePathStyle: options.forcePathStyle }),
      ...(options.credentials !== undefined && { credentials: options.credentials }),
    });
  }

  async write(
    key: string,
    body: Readable,
    meta: { contentType: string; sizeBytes?: number },
  ): Promise<StoredObject> {
    try {
      assertValidKey(key);
    } catch (error) {
      body.destroy();
      throw error;
    }
    const counter = new ByteCounter(meta.sizeBytes);
    // Never rejects: the failure that matters is read off the streams when the upload fails.
    const piped = pipeline(body, counter).catch(() => undefined);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: counter,
        ContentType: meta.contentType,
        ...this.encryption,
      },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      const cause = sourceFailure(body, counter) ?? error;
      counter.destroy();
      await piped;
      // Upload rethrows the body's own error once it has aborted; another error means the abort failed.
      if (cause === error) throw cause;
      throw new AggregateError(
        [cause, error],
        `S3 storage: writing ${key}, the body failed and so did the upload (its parts may remain)`,
      );
    }
    await piped;
    return { sizeBytes: counter.bytes, contentType: meta.contentType };
  }

  async stat(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    const head = await this.client
      .send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }))
      .catch(notFoundAsNull);
    if (head === null) return null;
    return {
      sizeBytes: head.ContentLength ?? 0,
      contentType: head.ContentType ?? 'application/octet-stream',
    };
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    if (range) assertValidRange(range);
    const output = await this.client
      .send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          ...(range && { Range: `bytes=${range.start}-${range.end}` }),
        }),
      )
      .catch((error: unknown) => {
        if (range && httpStatus(error) === 416) throw new RangeNotSatisfiableError(key, range);
        if (notFoundAsNull(error) === null) throw new ObjectNotFoundError(key);
        throw error;
      });
    if (!(output.Body instanceof Readable))
      throw new Error(`S3 storage: ${key} came back without a body stream`);
    if (!range) return output.Body;
    return trimToRange(output.Body, output.ContentRange, range);
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix);
    let deleted = 0;
    let startAfter: string | undefined;
    let truncated: boolean | undefined;
    do {
      // Pages by StartAfter, which every S3-compatible server supports, not by continuation token.
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          MaxKeys: DELETE_BATCH,
          StartAfter: startAfter,
        }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
      deleted += await this.deleteBatch(keys);
      startAfter = keys.at(-1);
      truncated = page.IsTruncated;
    } while (truncated && startAfter !== undefined);
    return deleted;
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Deletes up to 1000 full keys in one request; throws on the first key S3 refused. */
  private async deleteBatch(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const result = await this.client.send(
      new DeleteObjectsCommand({
        Bucket: this.bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    const [refused] = result.Errors ?? [];
    if (refused)
      throw new Error(`S3 storage: could not delete ${refused.Key}: ${refused.Code} ${refused.Message}`);
    return keys.length;
  }
}

function normalisePrefix(prefix: string): string {
  if (prefix === '') return '';
  assertValidPrefix(prefix);
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** The body's own failure, if the upload failed because of it: an error, or a destroy before its end. */
function sourceFailure(body: Readable, counter: ByteCounter): unknown {
  if (body.errored) return body.errored;
  if (counter.errored) return counter.errored;
  if (body.destroyed && !body.readableEnded) return new Error('the body was destroyed before its end');
  return undefined;
}

function httpStatus(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function notFoundAsNull(error: unknown): null {
  if (httpStatus(error) === 404) return null;
  throw error;
}

/**
 * The bytes of `range` from a response, whatever the server served: a server may ignore Range and
 * answer the whole object, or serve more than asked (s3rver answers `bytes=0-0` with everything).
 */
function trimToRange(body: Readable, contentRange: string | undefined, range: ByteRange): Readable {
  const served = /^bytes (\d+)-(\d+)\//.exec(contentRange ?? '');
  const servedStart = served ? Number(served[1]) : 0;
  if (served && servedStart === range.start && Number(served[2]) <= range.end) return body;
  if (servedStart > range.start) {
    body.destroy();
    throw new Error(
      `S3 storage: asked for bytes ${range.start}-${range.end}, the server sent ${contentRange}`,
    );
  }
  return Readable.from(slice(body, range.start - servedStart, range.end - range.start + 1), {
    objectMode: false,
  });
}

/** Skips `skip` bytes, then yields at most `length`; leaving the loop early destroys the source. */
async function* slice(source: Readable, skip: number, length: number): AsyncGenerator<Buffer> {
  let toSkip = skip;
  let left = length;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const start = Math.min(toSkip, chunk.length);
    toSkip -= start;
    const piece = chunk.subarray(start, start + left);
    left -= piece.length;
    if (piece.length > 0) yield piece;
    if (left === 0) return;
  }
}
