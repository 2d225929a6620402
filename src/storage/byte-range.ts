import parseRange from 'range-parser';
import { ByteRange } from './object-storage';

/** How to answer a request for an object of a known size: 200, 206 with one range, or 416. */
export type RangeAnswer =
  { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

/**
 * Reads an HTTP `Range` header (RFC 9110 §14.2) against an object of `sizeBytes`, with the parser
 * express itself uses. No header, a malformed one or a unit other than bytes is answered in full,
 * as the RFC lets a server ignore them. Ranges that overlap or touch are merged; several ranges
 * still apart are answered in full too, since a multipart/byteranges body buys a player nothing.
 */
export function parseByteRange(header: string | undefined, sizeBytes: number): RangeAnswer {
  // The unit is checked first (and case-insensitively), so `items=...` is never answered 416.
  if (header === undefined || !/^\s*bytes\s*=/i.test(header)) return { kind: 'full' };
  const ranges = parseRange(sizeBytes, wholeForLongSuffixes(header, sizeBytes), { combine: true });
  if (ranges === -2) return { kind: 'full' };
  if (ranges === -1) return { kind: 'unsatisfiable' };
  if (ranges.length !== 1) return { kind: 'full' };
  const [{ start, end }] = ranges;
  return { kind: 'partial', range: { start, end } };
}

/**
 * range-parser 1.x answers a suffix longer than the object (`bytes=-5000` of 1000 bytes) as
 * unsatisfiable; RFC 9110 §14.1.2 says it selects the whole object, so it is rewritten to `0-`.
 */
function wholeForLongSuffixes(header: string, sizeBytes: number): string {
  const specs = header.slice(header.indexOf('=') + 1).split(',');
  const rewritten = specs.map((spec) => {
    const suffix = /^\s*-(\d+)\s*$/.exec(spec);
    return suffix && Number(suffix[1]) > sizeBytes ? '0-' : spec;
  });
  return `bytes=${rewritten.join(',')}`;
}
