import { randomBytes } from 'node:crypto';
import { ServerResponse } from 'node:http';

/**
 * S3's error answers as a presigned GET meets them: status, code and message as S3 words them, the
 * details S3 adds, an XML body (none on HEAD). Aircall's own expiry answer is not documented; this
 * is generic S3 behaviour (docs/aircall-behaviour.md §3).
 */
const S3_ERRORS = {
  AccessDenied: [403, 'Request has expired'],
  SignatureDoesNotMatch: [
    403,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  ],
  NoSuchKey: [404, 'The specified key does not exist.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
  SlowDown: [503, 'Please reduce your request rate.'],
} as const;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export interface S3ErrorAnswer {
  code: S3ErrorCode;
  /** In place of the code's own status (a 502 or 504 fault answers as InternalError). */
  status?: number;
  /** Elements S3 adds after Message, e.g. Key, Expires, ServerTime. */
  details?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Answers the S3 error; returns its status, for the counters. */
export function sendS3Error(response: ServerResponse, answer: S3ErrorAnswer): number {
  const [codeStatus, message] = S3_ERRORS[answer.code];
  const status = answer.status ?? codeStatus;
  const id = s3RequestId();
  const fields = Object.entries(answer.details ?? {})
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const text =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${answer.code}</Code><Message>${message}</Message>` +
    `${fields}<RequestId>${id}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  const head = response.req.method === 'HEAD';
  response.writeHead(status, {
    'content-type': 'application/xml',
    'x-amz-request-id': id,
    ...answer.headers,
    ...(head ? {} : { 'content-length': Buffer.byteLength(text) }),
  });
  response.end(head ? undefined : text);
  return status;
}

export function s3RequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** S3's timestamps in error bodies: ISO 8601 to the second. */
export function s3Time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface ByteRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/**
 * One `bytes=a-b`, `bytes=a-` or `bytes=-n` range, as S3 reads it; anything else (several ranges,
 * another unit, an end before the start) is ignored and the whole file is sent, as HTTP allows.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: match[2] === '' ? size : Math.min(size, Number(match[2]) + 1) };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
