import { parseByteRange } from './byte-range';

describe('parseByteRange', () => {
  const SIZE = 1000;
  const partial = (start: number, end: number) => ({ kind: 'partial', range: { start, end } });

  it('answers one satisfiable range as partial, with inclusive ends as HTTP gives them', () => {
    expect(parseByteRange('bytes=0-0', SIZE)).toEqual(partial(0, 0));
    expect(parseByteRange('bytes=100-199', SIZE)).toEqual(partial(100, 199));
    expect(parseByteRange('bytes=999-999', SIZE)).toEqual(partial(999, 999));
  });

  it('reads open-ended and suffix ranges, and clamps an end past the last byte', () => {
    expect(parseByteRange('bytes=900-', SIZE)).toEqual(partial(900, 999));
    expect(parseByteRange('bytes=-100', SIZE)).toEqual(partial(900, 999));
    // RFC 9110 §14.1.2: a suffix longer than the object selects all of it (range-parser 1.x says 416).
    expect(parseByteRange('bytes=-5000', SIZE)).toEqual(partial(0, 999));
    expect(parseByteRange('bytes=500-5000', SIZE)).toEqual(partial(500, 999));
  });

  it('answers a range that starts past the end, or any range of an empty object, as unsatisfiable', () => {
    expect(parseByteRange('bytes=1000-1001', SIZE)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=-0', SIZE)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=-5', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('answers in full when there is no header, a malformed one, or another unit', () => {
    expect(parseByteRange(undefined, SIZE)).toEqual({ kind: 'full' });
    expect(parseByteRange('', SIZE)).toEqual({ kind: 'full' });
    expect(parseByteRange('bytes=abc-def', SIZE)).toEqual({ kind: 'full' });
    expect(parseByteRange('bytes 0-10', SIZE)).toEqual({ kind: 'full' });
    expect(parseByteRange('items=0-10', SIZE)).toEqual({ kind: 'full' });
    expect(parseByteRange('items=5000-6000', SIZE)).toEqual({ kind: 'full' });
  });

  it('takes the unit case-insensitively, as RFC 9110 says', () => {
    expect(parseByteRange('Bytes=0-9', SIZE)).toEqual(partial(0, 9));
  });

  it('merges overlapping or adjacent ranges, and answers ranges still apart in full', () => {
    expect(parseByteRange('bytes=0-99,50-199', SIZE)).toEqual(partial(0, 199));
    expect(parseByteRange('bytes=0-99,100-199', SIZE)).toEqual(partial(0, 199));
    expect(parseByteRange('bytes=0-9,500-509', SIZE)).toEqual({ kind: 'full' });
  });

  it('drops the unsatisfiable parts of a multi-range request and keeps the rest', () => {
    expect(parseByteRange('bytes=5000-6000,0-9', SIZE)).toEqual(partial(0, 9));
  });
});
