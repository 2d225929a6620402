import { createHash, Hash } from 'node:crypto';
import { Readable, Transform, TransformCallback } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
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
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: 'manual',
        signal: options.signal,
        headers: { accept: 'audio/*' },
      });
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason ?? error;
      throw new MediaTransientError(
        `download failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel();
      if (hop >= (options.maxRedirects ?? 3)) throw new MediaRefusedError('too many redirects');
      url = new URL(response.headers.get('location')!, url);
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      if (DEAD_LINK.has(response.status)) throw new MediaLinkDeadError(response.status);
      throw new MediaTransientError(`the media host answered ${response.status}`);
    }
    const length = response.headers.get('content-length');
    const contentLength = length !== null && /^\d+$/.test(length) ? Number(length) : null;
    if (contentLength !== null && contentLength > options.maxBytes) {
      await response.body?.cancel();
      throw new MediaRefusedError(`the file has ${contentLength} bytes, more than RECORDINGS_MAX_BYTES`);
    }
    const etag = /^"?([0-9a-f]{32})"?$/i.exec(response.headers.get('etag') ?? '');
    const contentType = (response.headers.get('content-type') ?? 'audio/mpeg').split(';')[0].trim();
    if (!response.body) throw new MediaTransientError('the media host sent no body');
    return {
      body: Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
      contentType: contentType.length > 0 && contentType.length <= 100 ? contentType : 'audio/mpeg',
      contentLength,
      md5: etag ? etag[1].toLowerCase() : null,
    };
  }
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
  private readonly md5: Hash = createHash('md5');
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;
  private digest: string | null = null;

  constructor(
    private readonly expected: { length: number | null; md5: string | null; maxBytes: number },
    private readonly onProgress?: (bytes: number) => void,
  ) {
    super();
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
    this.md5.update(chunk);
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
    const md5 = this.md5.digest('hex');
    if (this.expected.md5 !== null && md5 !== this.expected.md5) {
      done(new MediaTransientError('the file does not match the checksum (ETag) its host announced'));
      return;
    }
    this.digest = this.sha256.digest('hex');
    done();
  }
}
