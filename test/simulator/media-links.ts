import { createHmac, timingSafeEqual } from 'node:crypto';
import { AircallCall } from '../../src/aircall/aircall-types';

export type MediaKind = 'recording' | 'voicemail';
export const MEDIA_KINDS: readonly MediaKind[] = ['recording', 'voicemail'];

/** One call's recording or voicemail file. */
export interface MediaFile {
  companyId: number;
  callId: number;
  kind: MediaKind;
}

/** Aircall's direct links are "valid 1 hour" (docs/aircall-behaviour.md §3). */
export const DEFAULT_MEDIA_LINK_TTL_SECONDS = 3600;
/** Aircall's short links are valid 3 hours (§3). */
export const SHORT_LINK_TTL_SECONDS = 3 * 3600;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const SECRET = 'sim-media-signing-secret';

/** Where a file lives on the simulator's "S3", also the unsigned key a stored call holds. */
export function mediaPath(file: MediaFile): string {
  return `/media/${file.companyId}/${file.callId}/${file.kind}.mp3`;
}

export function parseMediaPath(path: string): MediaFile | undefined {
  const match = /^\/media\/(\d+)\/(\d+)\/(recording|voicemail)\.mp3$/.exec(path);
  if (!match) return undefined;
  return { companyId: Number(match[1]), callId: Number(match[2]), kind: match[3] as MediaKind };
}

/** S3's X-Amz-Date: `YYYYMMDDTHHMMSSZ`, UTC, whole seconds. */
function amzDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function parseAmzDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

export type LinkCheck =
  | { valid: true }
  | { valid: false; reason: 'signature' }
  | { valid: false; reason: 'expired'; expiredAt: number; ttlSeconds: number };

/**
 * Mints and checks the media links a call shows: S3-presigned-style direct links (SigV4 query names,
 * an HMAC over path, date and lifetime) and short links that redirect to a fresh direct one. Links
 * are stateless — everything is in the URL — so any number of reads costs no memory, and the same
 * call read twice in one second gets the same link, as a presigner given the same time would.
 */
export class MediaLinkSigner {
  constructor(
    private readonly baseUrl: () => string,
    private readonly now: () => number,
    public ttlSeconds: number,
  ) {}

  /** The unsigned key a stored call holds for a file the simulator serves. */
  storedKey(file: MediaFile): string {
    return `${this.baseUrl()}${mediaPath(file)}`;
  }

  /** True when a stored `recording`/`voicemail` value is a file the simulator serves (not a test's own URL). */
  isServed(value: string | null | undefined): value is string {
    return typeof value === 'string' && value.startsWith(`${this.baseUrl()}/media/`);
  }

  /** A direct link to the file, signed at the simulator's now and valid `ttlSeconds`. */
  direct(file: MediaFile): string {
    const path = mediaPath(file);
    const date = amzDate(this.now());
    const expires = String(this.ttlSeconds);
    const query = new URLSearchParams({
      'X-Amz-Algorithm': ALGORITHM,
      'X-Amz-Date': date,
      'X-Amz-Expires': expires,
      'X-Amz-Signature': sign(`${path}\n${date}\n${expires}`),
    });
    return `${this.baseUrl()}${path}?${query.toString()}`;
  }

  /** A short link (`/short/<token>`, valid 3 h) answering 302 to a freshly signed direct link. */
  short(file: MediaFile): string {
    const expiresAt = Math.floor(this.now() / 1000) + SHORT_LINK_TTL_SECONDS;
    const claim = `${file.companyId}.${file.callId}.${file.kind}.${expiresAt}`;
    const token = `${Buffer.from(claim).toString('base64url')}.${sign(claim).slice(0, 32)}`;
    return `${this.baseUrl()}/short/${token}`;
  }

  /** Whether a request for `path` with this query may read the file, checked as S3 does: signature, then time. */
  check(path: string, query: URLSearchParams): LinkCheck {
    const date = query.get('X-Amz-Date') ?? '';
    const expires = query.get('X-Amz-Expires') ?? '';
    const signature = query.get('X-Amz-Signature') ?? '';
    const signedAt = parseAmzDate(date);
    if (
      query.get('X-Amz-Algorithm') !== ALGORITHM ||
      signedAt === undefined ||
      !/^\d+$/.test(expires) ||
      !same(signature, sign(`${path}\n${date}\n${expires}`))
    )
      return { valid: false, reason: 'signature' };
    const expiredAt = signedAt + Number(expires) * 1000;
    if (this.now() > expiredAt)
      return { valid: false, reason: 'expired', expiredAt, ttlSeconds: Number(expires) };
    return { valid: true };
  }

  /** The file a short token names, 'expired' past its 3 hours, undefined when it was not minted here. */
  shortTarget(token: string): MediaFile | 'expired' | undefined {
    const [encoded, signature = ''] = token.split('.', 2);
    const claim = Buffer.from(encoded, 'base64url').toString('utf8');
    if (!same(signature, sign(claim).slice(0, 32))) return undefined;
    const [companyId, callId, kind, expiresAt] = claim.split('.');
    if (Math.floor(this.now() / 1000) > Number(expiresAt)) return 'expired';
    return { companyId: Number(companyId), callId: Number(callId), kind: kind as MediaKind };
  }

  /**
   * The call as a read or an event shows it now: each file the simulator serves as a freshly signed
   * link, and (`shortUrls`) its short link; links a test set itself are left as they are.
   */
  mint(companyId: number, call: AircallCall, shortUrls: boolean): AircallCall {
    const view: AircallCall = { ...call };
    for (const kind of MEDIA_KINDS) {
      if (!this.isServed(call[kind])) continue;
      const file = { companyId, callId: call.id, kind };
      view[kind] = this.direct(file);
      if (shortUrls) view[`${kind}_short_url`] = this.short(file);
    }
    return view;
  }
}

function sign(text: string): string {
  return createHmac('sha256', SECRET).update(text).digest('hex');
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
