import { randomBytes } from 'node:crypto';

const KEY_PREFIX = 'acs_';

/** A new API key: 32 random bytes, base64url, recognisable by its `acs_` prefix in secret scanners. */
export function generateApiKeySecret(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The part shown in listings so people can tell their keys apart (12 characters, never enough to guess). */
export function displayPrefix(secret: string): string {
  return secret.slice(0, 12);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(authorization: string | string[] | undefined): string | null {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
