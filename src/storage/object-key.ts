/** S3's own limit on a key, in UTF-8 bytes; the local backend keeps it so both accept the same keys. */
const MAX_KEY_BYTES = 1024;

export class InvalidObjectKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidObjectKeyError';
  }
}

/** Why `key` is refused, or null. */
function keyProblem(key: string): string | null {
  if (key === '') return 'it is empty';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'it is absolute (starts with /)';
  if (key.includes('\\')) return 'it contains a backslash';
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'it contains a control character (NUL included)';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty segment (// or a trailing /)';
    if (segment === '.' || segment === '..') return `it has a "${segment}" segment`;
    // A dot-segment could name the local backend's own .tmp/ and .meta/ folders.
    if (segment.startsWith('.')) return `its segment "${segment}" starts with a dot`;
  }
  return null;
}

/** Throws InvalidObjectKeyError unless `key` is a relative path of plain segments. */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== null) throw new InvalidObjectKeyError(key, problem);
}

/**
 * A prefix is a valid key, optionally followed by `/` (`accounts/123/`, or `accounts/12` for every
 * account whose id starts with 12); the empty prefix is refused, so nothing deletes everything.
 */
export function assertValidPrefix(prefix: string): void {
  const problem = keyProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (problem !== null) throw new InvalidObjectKeyError(prefix, problem);
}
