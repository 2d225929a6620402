import { assertValidKey, assertValidPrefix, InvalidObjectKeyError } from './object-key';

describe('object keys', () => {
  it('accepts relative paths of plain segments', () => {
    for (const key of ['accounts/123/calls/456/recording.mp3', 'a', 'a b/ünïcode/x.y.z', 'x..y/z']) {
      expect(() => assertValidKey(key)).not.toThrow();
    }
  });

  it.each([
    ['', /it is empty/],
    ['/etc/passwd', /absolute/],
    ['accounts/../secrets', /"\.\." segment/],
    ['..', /"\.\." segment/],
    ['a/./b', /"\." segment/],
    ['a\\b', /backslash/],
    ['a\u0000b', /control character/],
    ['a\nb', /control character/],
    ['a//b', /empty segment/],
    ['a/b/', /empty segment/],
    ['.tmp/x', /starts with a dot/],
    ['a/.hidden', /starts with a dot/],
  ])('refuses %j with a reason', (key, reason) => {
    expect(() => assertValidKey(key)).toThrow(InvalidObjectKeyError);
    expect(() => assertValidKey(key)).toThrow(reason);
  });

  it("refuses a key longer than S3's 1024 UTF-8 bytes, counting bytes rather than characters", () => {
    expect(() => assertValidKey('x'.repeat(1024))).not.toThrow();
    expect(() => assertValidKey('x'.repeat(1025))).toThrow(/longer than 1024 bytes/);
    expect(() => assertValidKey('é'.repeat(513))).toThrow(/longer than 1024 bytes/);
  });

  it('names the key in the message, quoted so control characters show', () => {
    expect(() => assertValidKey('a\u0000b')).toThrow('invalid object key "a\\u0000b": ');
  });

  it('accepts a prefix with or without a final slash, and refuses the empty one', () => {
    expect(() => assertValidPrefix('accounts/123/')).not.toThrow();
    expect(() => assertValidPrefix('accounts/12')).not.toThrow();
    expect(() => assertValidPrefix('')).toThrow(/it is empty/);
    expect(() => assertValidPrefix('/')).toThrow(/it is empty/);
    expect(() => assertValidPrefix('accounts//')).toThrow(/empty segment/);
    expect(() => assertValidPrefix('../')).toThrow(/"\.\." segment/);
  });
});
