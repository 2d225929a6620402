import { InvalidInputError } from '../errors/domain-errors';
import { decodeCallCursor, encodeCallCursor } from './call-cursor';

describe('call cursors', () => {
  it('round-trips a position, ids beyond 2^53 included', () => {
    const position = {
      startedAt: 1_717_236_000_000,
      accountId: '9007199254740993',
      id: '9223372036854775807',
    };
    expect(decodeCallCursor(encodeCallCursor(position))).toEqual(position);
    expect(decodeCallCursor(encodeCallCursor({ ...position, startedAt: null }))).toEqual({
      ...position,
      startedAt: null,
    });
  });

  it('refuses anything it did not issue, naming the argument', () => {
    for (const forged of [
      '',
      'not base64 at all!',
      Buffer.from('{"offset":40}').toString('base64url'),
      Buffer.from('[1,"1","x"]').toString('base64url'),
    ]) {
      // A domain error the GraphQL layer answers as BAD_USER_INPUT naming `after`.
      expect(() => decodeCallCursor(forged)).toThrow(InvalidInputError);
      expect(() => decodeCallCursor(forged)).toThrow(/^after: /);
    }
  });
});
