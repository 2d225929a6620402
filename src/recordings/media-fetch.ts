import { createHash, Hash } from 'node:crypto';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HostAllowList } from './media-links';

/** The link must not be fetched, now or later: foreign host, redirect elsewhere, file too large. */
export class MediaRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaRefusedError';
  }
}

/** The media host refused the link (expired, deleted): a fresh one must be asked of Aircall. */
export class MediaLinkDeadError extends Error {
  constructor(readonly status: number) {
    super(`the media host answered ${status}: the link has expired or the file is gone`);
    this.name = 'MediaLinkDeadError';
  }
}

/** Worth retrying later: network, 5xx, a truncated body, a checksum that does not match. */
export class MediaTransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaTransientError';
  }
}

export interface MediaResponse {
  body: Readable;
  contentType: string;
  /** Content-Length, when the host sent one. */
  contentLength: number | null;
  /** The MD5 the host vouches for: an S3 single-part ETag (32 hex digits), else null. */
  md5: string | null;
}

export interface FetchMediaOptions {
  allow: HostAllowList;
  maxBytes: number;
  signal: AbortSignal;
  maxRedirects?: number;
}

const DEAD_LINK = new Set([401, 403, 404, 410]);

/**
 * GETs an Aircall media link: only allow-listed hosts, redirects followed by hand so each hop is
 * checked too (a short URL answers 302 to the signed file), no credentials sent anywhere.
 */
export async function fetchMedia(link: string, options: FetchMediaOptions): Promise<MediaResponse> {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new MediaRefusedError('the link is not a URL');
  }
  for (let hop = 0; ; hop++) {
    if (!options.allow.allows(url))
      throw new MediaRefusedError(`${url.host} is not an allowed recording host (RECORDINGS_ALLOWED_HOSTS)`);
    const response = await get(url, options.signal);
    const status = response.statusCode ?? 0;
    const header = (name: string) => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : null;
    };
    const location = header('location');
    if (status >= 300 && status < 400 && location !== null) {
      response.destroy();
      if (hop >= (options.maxRedirects ?? 3)) throw new MediaRefusedError('too many redirects');
      url = new URL(location, url);
      continue;
    }
    if (status !== 200) {
      response.destroy();
      if (DEAD_LINK.has(status)) throw new MediaLinkDeadError(status);
      throw new MediaTransientError(`the media host answered ${status}`);
    }
    const length = header('content-length');
    const contentLength = length !== null && /^\d+$/.test(length) ? Number(length) : null;
    if (contentLength !== null && contentLength > options.maxBytes) {
      response.destroy();
      throw new MediaRefusedError(`the file has ${contentLength} bytes, more than RECORDINGS_MAX_BYTES`);
    }
    const contentType = (header('content-type') ?? 'audio/mpeg').split(';')[0].trim();
    return {
      body: response,
      contentType: contentType.length > 0 && contentType.length <= 100 ? contentType : 'audio/mpeg',
      contentLength,
      md5: vouchedMd5(header),
    };
  }
}

/**
 * The MD5 an S3 host's ETag stands for, or null when it stands for none: S3's ETag is the content's
 * MD5 only for a single-part object stored as plaintext or with SSE-S3. A multipart ETag
 * (`<md5>-<parts>`) fails the 32-hex-digit form; an SSE-KMS or SSE-C object's ETag is 32 hex digits
 * that are not its MD5, so S3's encryption headers say to ignore it (docs/aircall-behaviour.md).
 */
export function vouchedMd5(header: (name: string) => string | null): string | null {
  const etag = /^"?([0-9a-f]{32})"?$/i.exec(header('etag') ?? '');
  if (!etag) return null;
  const encryption = (header('x-amz-server-side-encryption') ?? '').toLowerCase();
  if (encryption.startsWith('aws:kms')) return null;
  if (header('x-amz-server-side-encryption-customer-algorithm') !== null) return null;
  return etag[1].toLowerCase();
}

/**
 * One GET with node:http(s): its body is a Node stream, which costs a fraction of the CPU per
 * byte of fetch()'s web stream converted back (docs/benchmarks.md, recordings). No agent keeps
 * credentials, and nothing is sent but the request line and `accept`.
 */
function get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', headers: { accept: 'audio/*' }, signal },
      resolve,
    );
    request.once('error', (error) =>
      reject(
        signal.aborted
          ? (signal.reason ?? error)
          : new MediaTransientError(
              `download failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
      ),
    );
    request.end();
  });
}

/** How many leading bytes the meter keeps for reading the MP3's first frame. */
const HEAD_BYTES = 64 * 1024;

/**
 * Counts, hashes (SHA-256 kept, MD5 checked against the host's ETag) and caps the bytes passing
 * through; at the end it fails the stream when the length or the checksum disagree with what the
 * host announced, so the storage write is abandoned and a truncated file is never archived.
 */
export class MediaMeter extends Transform {
  bytes = 0;
  private readonly sha256: Hash = createHash('sha256');
  /** Only when the host vouched for an MD5: without one it would be 70 % of the hashing for nothing. */
  private readonly md5: Hash | null;
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;
  private digest: string | null = null;

  constructor(
    private readonly expected: { length: number | null; md5: string | null; maxBytes: number },
    private readonly onProgress?: (bytes: number) => void,
  ) {
    super();
    this.md5 = expected.md5 === null ? null : createHash('md5');
  }

  get sha256Hex(): string {
    if (this.digest === null) throw new Error('the stream has not ended');
    return this.digest;
  }

  get head(): Buffer {
    return Buffer.concat(this.headChunks);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.expected.maxBytes) {
      done(new MediaRefusedError('the file is larger than RECORDINGS_MAX_BYTES'));
      return;
    }
    this.sha256.update(chunk);
    this.md5?.update(chunk);
    if (this.headBytes < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headBytes);
      this.headChunks.push(Buffer.from(part));
      this.headBytes += part.length;
    }
    this.onProgress?.(chunk.length);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.expected.length !== null && this.bytes !== this.expected.length) {
      done(new MediaTransientError(`truncated: ${this.bytes} of ${this.expected.length} bytes arrived`));
      return;
    }
    if (this.md5 && this.md5.digest('hex') !== this.expected.md5) {
      done(new MediaTransientError('the file does not match the checksum (ETag) its host announced'));
      return;
    }
    this.digest = this.sha256.digest('hex');
    done();
  }
}
