import { IncomingMessage, ServerResponse } from 'node:http';
import { FaultInjector, FaultKind } from './fault-injector';
import { MediaFile, MediaLinkSigner, mediaPath, parseMediaPath } from './media-links';
import { Mp3File, mp3Chunks, mp3Layout, mp3Md5 } from './mp3-file';
import { ByteRange, parseRange, s3RequestId, s3Time, sendS3Error } from './s3-answers';
import { hash32 } from './seeded-random';
import { SimulatedCompany } from './simulated-company';

/** What one file's downloads did. */
export interface MediaFileStats extends MediaFile {
  /** Requests for the file's path, answered or refused. */
  requests: number;
  /** GETs whose body (whole or a range) began. */
  started: number;
  /** GETs whose body was sent to its last byte. */
  completed: number;
  /** Body bytes handed to the network. */
  bytesSent: number;
}

export interface MediaStats {
  /** Requests to `/media/…` and `/short/…`. */
  requests: number;
  /** Answers by status; `hang`, `reset`, `truncated`, `aborted` for those that did not end whole. */
  byStatus: Record<string, number>;
  files: MediaFileStats[];
}

/** 256 KiB: a 16-second recording at 128 kbps. */
export const DEFAULT_MEDIA_BYTES = 256 * 1024;

export interface MediaServerSetup {
  signer: MediaLinkSigner;
  faults: FaultInjector;
  company: (id: number) => SimulatedCompany | undefined;
  bytes: number;
  now: () => number;
}

/** What a GET that will be served sends: which file, which bytes of it, with which fault. */
interface Delivery {
  file: Mp3File;
  range: ByteRange;
  fault: FaultKind | undefined;
  counted: MediaFileStats;
}

type Outcome = number | 'hang' | 'reset' | 'truncated' | 'aborted';

const CHUNK_BYTES = 64 * 1024;
const KIND_SEEDS = { recording: 1, voicemail: 2 } as const;

/**
 * The simulator's "S3" for recordings and voicemails, and Aircall's short-link redirector: signed
 * links are checked (signature, then expiry), files are produced from a seed as they are sent, and
 * every download is counted. Not Aircall's API: no API key, no rate limit, no API statistics.
 */
export class MediaServer {
  private readonly sizes = new Map<string, number>();
  private readonly etags = new Map<string, string>();
  private files = new Map<string, MediaFileStats>();
  private requests = 0;
  private byStatus: Record<string, number> = {};

  constructor(private readonly setup: MediaServerSetup) {
    mp3Layout(setup.bytes);
  }

  /** Size of a file without its own, in bytes. */
  get defaultBytes(): number {
    return this.setup.bytes;
  }

  /** Size of both files of one call. */
  setCallBytes(companyId: number, callId: number, bytes: number): void {
    mp3Layout(bytes);
    this.sizes.set(`${companyId}/${callId}`, bytes);
  }

  bytesOf(file: MediaFile): number {
    return this.sizes.get(`${file.companyId}/${file.callId}`) ?? this.setup.bytes;
  }

  stats(): MediaStats {
    return {
      requests: this.requests,
      byStatus: { ...this.byStatus },
      files: [...this.files.values()].map((file) => ({ ...file })),
    };
  }

  fileStats(file: MediaFile): MediaFileStats {
    return { ...(this.files.get(mediaPath(file)) ?? empty(file)) };
  }

  resetStats(): void {
    this.files = new Map();
    this.requests = 0;
    this.byStatus = {};
  }

  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    this.requests += 1;
    let outcome: Outcome;
    try {
      outcome = await this.answer(request, response, url);
    } catch {
      outcome = 500;
      if (response.headersSent) response.destroy();
      else sendS3Error(response, { code: 'InternalError' });
    }
    this.byStatus[outcome] = (this.byStatus[outcome] ?? 0) + 1;
  }

  private async answer(request: IncomingMessage, response: ServerResponse, url: URL): Promise<Outcome> {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return sendS3Error(response, { code: 'MethodNotAllowed' });
    if (url.pathname.startsWith('/short/')) return this.redirectShort(response, url);
    const file = parseMediaPath(url.pathname);
    const counted = file && this.counted(file);
    if (counted) counted.requests += 1;
    const check = this.setup.signer.check(url.pathname, url.searchParams);
    if (!check.valid && check.reason === 'expired')
      return sendS3Error(response, {
        code: 'AccessDenied',
        details: {
          'X-Amz-Expires': String(check.ttlSeconds),
          Expires: s3Time(check.expiredAt),
          ServerTime: s3Time(this.setup.now()),
        },
      });
    if (!check.valid) return sendS3Error(response, { code: 'SignatureDoesNotMatch' });
    const call = file && this.servedCall(file);
    if (!file || !counted || !call)
      return sendS3Error(response, { code: 'NoSuchKey', details: { Key: url.pathname.slice(1) } });
    // Played only on requests that would be served, so a 403 or 404 never uses a fault up.
    const fault = this.setup.faults.take(method, url.pathname, file.companyId, 'media');
    const early = await this.playEarly(request, response, fault);
    if (early !== undefined) return early;
    const size = this.bytesOf(file);
    const range = parseRange(request.headers.range, size);
    if (range === 'unsatisfiable')
      return sendS3Error(response, {
        code: 'InvalidRange',
        details: { RangeRequested: String(request.headers.range), ActualObjectSize: String(size) },
        headers: { 'content-range': `bytes */${size}` },
      });
    const whole = { start: 0, end: size };
    const status = range ? 206 : 200;
    const { start, end } = range ?? whole;
    const mp3 = { seed: this.seedOf(file), size };
    response.writeHead(status, {
      'content-type': 'audio/mpeg',
      'content-length': end - start,
      etag: `"${this.etagOf(file, mp3)}"`,
      'accept-ranges': 'bytes',
      'last-modified': new Date((call.ended_at ?? call.started_at ?? 0) * 1000).toUTCString(),
      'x-amz-request-id': s3RequestId(),
      ...(range ? { 'content-range': `bytes ${start}-${end - 1}/${size}` } : {}),
    });
    if (method === 'HEAD') {
      response.end();
      return status;
    }
    counted.started += 1;
    const outcome = await this.sendBody(request, response, {
      file: mp3,
      range: { start, end },
      fault,
      counted,
    });
    if (outcome !== 'completed') return outcome;
    counted.completed += 1;
    return status;
  }

  /** The faults that replace the answer (or hold it back); undefined when the file is to be sent. */
  private async playEarly(
    request: IncomingMessage,
    response: ServerResponse,
    fault: FaultKind | undefined,
  ): Promise<Outcome | undefined> {
    switch (fault?.kind) {
      case 'hang':
        return 'hang';
      case 'reset':
        request.socket.destroy();
        return 'reset';
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return undefined;
      case 'status':
        return sendS3Error(response, {
          code: fault.status === 503 ? 'SlowDown' : 'InternalError',
          status: fault.status,
        });
      case 'redirect':
        response.writeHead(302, { location: fault.location, 'content-length': 0 }).end();
        return 302;
      case 'truncate':
      case 'stall':
      case 'throttle':
      case undefined:
        // The body faults are played while the file is sent (sendBody).
        return undefined;
      case 'refuse':
      case 'garbage':
      case 'wrong-shape':
        throw new Error(`simulator: a ${fault.kind} fault is for API requests only`);
    }
  }

  /** `/short/<token>`: 302 to a freshly signed direct link while the short link's 3 hours last. */
  private redirectShort(response: ServerResponse, url: URL): number {
    const target = this.setup.signer.shortTarget(url.pathname.slice('/short/'.length));
    if (target === undefined || target === 'expired' || !this.servedCall(target)) {
      // Not documented: a dead short link is assumed to answer 404 with Aircall's error body.
      const text = JSON.stringify({ error: 'Not Found', troubleshoot: 'Short link not found or expired' });
      response
        .writeHead(404, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        })
        .end(text);
      return 404;
    }
    response.writeHead(302, { location: this.setup.signer.direct(target), 'content-length': 0 }).end();
    return 302;
  }

  /** Streams the body with backpressure, playing a truncate, stall or throttle fault on the way. */
  private async sendBody(
    request: IncomingMessage,
    response: ServerResponse,
    delivery: Delivery,
  ): Promise<'completed' | 'truncated' | 'aborted'> {
    const { file, range, fault, counted } = delivery;
    let closed = false;
    const gone = new Promise<void>((resolve) =>
      response.once('close', () => {
        closed = true;
        resolve();
      }),
    );
    const bytesPerSecond = fault?.kind === 'throttle' ? Math.max(1, fault.bytesPerSecond) : undefined;
    const chunkBytes = bytesPerSecond
      ? Math.min(CHUNK_BYTES, Math.max(1, Math.floor(bytesPerSecond / 10)))
      : CHUNK_BYTES;
    const cut =
      fault?.kind === 'truncate' || fault?.kind === 'stall'
        ? Math.min(range.end, range.start + fault.afterBytes)
        : range.end;
    const send = async (start: number, end: number): Promise<boolean> => {
      let flushed: Promise<void> = Promise.resolve();
      for (const chunk of mp3Chunks(file, { start, end }, chunkBytes)) {
        // Paced before each write, so that by any time t the client has at most t × bytesPerSecond.
        if (bytesPerSecond)
          await Promise.race([
            new Promise((resolve) => setTimeout(resolve, (chunk.length / bytesPerSecond) * 1000)),
            gone,
          ]);
        if (closed) return false;
        counted.bytesSent += chunk.length;
        flushed = new Promise((resolve) => response.write(chunk, () => resolve()));
        if (response.writableNeedDrain)
          await Promise.race([new Promise((resolve) => response.once('drain', resolve)), gone]);
      }
      await Promise.race([flushed, gone]);
      return !closed;
    };
    // The headers go out at once, even when a stall holds back the first byte.
    response.flushHeaders();
    if (!(await send(range.start, cut))) return 'aborted';
    if (fault?.kind === 'truncate' && cut < range.end) {
      request.socket.destroy();
      return 'truncated';
    }
    if (fault?.kind === 'stall') await this.setup.faults.hold(gone);
    if (!(await send(cut, range.end))) return 'aborted';
    response.end();
    return 'completed';
  }

  /** The call, when it exists and holds this file (not deleted, not a link a test set itself). */
  private servedCall(file: MediaFile) {
    const call = this.setup.company(file.companyId)?.calls.get(file.callId);
    return call && this.setup.signer.isServed(call[file.kind]) ? call : undefined;
  }

  private counted(file: MediaFile): MediaFileStats {
    const key = mediaPath(file);
    const existing = this.files.get(key);
    if (existing) return existing;
    const created = empty(file);
    this.files.set(key, created);
    return created;
  }

  private seedOf(file: MediaFile): number {
    const seed = this.setup.company(file.companyId)?.calls.space.seed ?? 0;
    return hash32(seed, file.callId, KIND_SEEDS[file.kind]);
  }

  /** Computed once per file and size: it takes a pass over the whole file. */
  private etagOf(file: MediaFile, mp3: Mp3File): string {
    const key = `${mediaPath(file)}:${mp3.size}`;
    let etag = this.etags.get(key);
    if (etag === undefined) {
      etag = mp3Md5(mp3);
      this.etags.set(key, etag);
    }
    return etag;
  }
}

function empty(file: MediaFile): MediaFileStats {
  return { ...file, requests: 0, started: 0, completed: 0, bytesSent: 0 };
}
