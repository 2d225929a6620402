import { pipeline } from 'node:stream';
import { ObjectStorage } from '../storage/object-storage';
import { StorageSettings } from '../storage/storage-settings';
import {
  fetchMedia,
  MediaLinkDeadError,
  MediaMeter,
  MediaRefusedError,
  MediaTransientError,
} from './media-fetch';
import { HostAllowList } from './media-links';
import { mp3DurationSeconds } from './mp3-duration';
import { mediaKey } from './media-key';

/** One file to copy from its media link into the archive. */
export interface MediaTransferRequest {
  accountId: string;
  callId: string;
  kind: string;
  link: string;
}

/** What the archive now holds. */
export interface MediaTransferResult {
  storageKey: string;
  sizeBytes: number;
  sha256: string;
  contentType: string;
  durationSeconds: number | null;
}

/** What the transfer thread is started with (plain data: it crosses to the thread as it is). */
export interface TransferSettings {
  storage: StorageSettings;
  /** RECORDINGS_ALLOWED_HOSTS. */
  allowedHosts: string;
  maxBytes: number;
  idleTimeoutMs: number;
}

export interface MediaTransferOptions {
  storage: ObjectStorage;
  allow: HostAllowList;
  maxBytes: number;
  /** The download fails when no byte arrives for this long. */
  idleTimeoutMs: number;
  signal: AbortSignal;
  /** Called with the size of every chunk that arrives. */
  onProgress?: (bytes: number) => void;
  /**
   * Called once every byte has arrived and passed the length and checksum checks, while the storage
   * may still be making the file durable (fsync, rename, an upload's last part): the download is over.
   */
  onReceived?: () => void;
}

/**
 * Downloads one media link into the storage: bytes stream from the host through a meter that
 * hashes and counts them, so memory stays flat and a body shorter than announced or not matching its
 * ETag fails the write (nothing is stored). Runs in the transfer thread (transfer-worker.ts).
 */
export async function transferMedia(
  request: MediaTransferRequest,
  options: MediaTransferOptions,
): Promise<MediaTransferResult> {
  const idle = new AbortController();
  const both = AbortSignal.any([options.signal, idle.signal]);
  // Re-armed by every chunk: refresh() moves the one timer rather than making a new one per read.
  const timer = setTimeout(
    () => idle.abort(new MediaTransientError(`no data for ${options.idleTimeoutMs} ms`)),
    options.idleTimeoutMs,
  );
  let detach = (): void => undefined;
  try {
    const response = await fetchMedia(request.link, {
      allow: options.allow,
      maxBytes: options.maxBytes,
      signal: both,
    });
    const meter = new MediaMeter(
      { length: response.contentLength, md5: response.md5, maxBytes: options.maxBytes },
      (bytes) => {
        timer.refresh();
        options.onProgress?.(bytes);
      },
    );
    if (options.onReceived) meter.once('finish', options.onReceived);
    const key = mediaKey(request.accountId, request.callId, request.kind, response.contentType);
    // pipeline destroys the meter with the body's error, so the storage write fails and leaves nothing.
    const source = pipeline(response.body, meter, () => undefined);
    const abort = () =>
      response.body.destroy(both.reason instanceof Error ? both.reason : new MediaTransientError('aborted'));
    both.addEventListener('abort', abort, { once: true });
    // Removed in every case: a listener left on AbortSignal.any's signal keeps it, and the whole
    // download (meter, streams, timers) alive for the life of the thread (nodejs/node#55328).
    detach = () => both.removeEventListener('abort', abort);
    // The storage counts the same bytes the meter passed it, and refuses a length other than announced.
    await options.storage.write(key, source, {
      contentType: response.contentType,
      sizeBytes: response.contentLength ?? undefined,
    });
    return {
      storageKey: key,
      sizeBytes: meter.bytes,
      sha256: meter.sha256Hex,
      contentType: response.contentType,
      durationSeconds: mp3DurationSeconds(meter.head, meter.bytes),
    };
  } finally {
    clearTimeout(timer);
    detach();
  }
}

/** An error as it crosses between threads: structured clone keeps neither its class nor its fields. */
export interface SentError {
  name: string;
  message: string;
  status?: number;
}

export function sendableError(error: unknown): SentError {
  if (error instanceof MediaLinkDeadError)
    return { name: error.name, message: error.message, status: error.status };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error the transfer thread sent, as the class the archiver's retry policy reads. */
export function receivedError(sent: SentError): Error {
  switch (sent.name) {
    case 'MediaRefusedError':
      return new MediaRefusedError(sent.message);
    case 'MediaLinkDeadError':
      return new MediaLinkDeadError(sent.status ?? 0);
    case 'MediaTransientError':
      return new MediaTransientError(sent.message);
    default:
      return new Error(sent.message);
  }
}
