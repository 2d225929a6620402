import { sha256Hex } from '../crypto/hashing';

/**
 * How the service authenticates to Aircall for one company:
 * Basic `api_id:api_token` (customer API keys) or an OAuth Bearer token (Technology Partner installs).
 * https://developer.aircall.io/tutorials/how-aircall-oauth-flow-works
 */
export type AircallCredentials =
  { kind: 'basic'; apiId: string; apiToken: string } | { kind: 'oauth'; accessToken: string };

/** The `Authorization` header value for these credentials. */
export function authorizationHeader(credentials: AircallCredentials): string {
  if (credentials.kind === 'basic') {
    return `Basic ${Buffer.from(`${credentials.apiId}:${credentials.apiToken}`).toString('base64')}`;
  }
  return `Bearer ${credentials.accessToken}`;
}

/**
 * A stable, non-reversible key for one set of credentials (SHA-256 of the secret), so per-company
 * state such as the rate budget can be kept in a map without holding the secret in clear.
 */
export function credentialsKey(credentials: AircallCredentials): string {
  const secret =
    credentials.kind === 'basic'
      ? `basic:${credentials.apiId}:${credentials.apiToken}`
      : `oauth:${credentials.accessToken}`;
  return sha256Hex(secret);
}
