import { constantTimeEqual } from '../crypto/hashing';
import { SecretBox } from '../crypto/secret-box';
import type { MediaKind } from '../calls/call-media-tracker';

export interface MediaGrant {
  accountId: string;
  callId: string;
  kind: MediaKind;
  /** Epoch seconds after which the link no longer works. */
  expiresAt: number;
}

const PURPOSE = 'recording-link';

/**
 * The path part of a link to an archived file: `<account>.<call>.<kind>.<expiry>.<mac>`. Whoever has
 * it may listen until it expires, as with Aircall's own links; nothing else is needed, so players and
 * CRMs can open it directly.
 */
export function signMediaGrant(secrets: SecretBox, grant: MediaGrant): string {
  const body = `${grant.accountId}.${grant.callId}.${grant.kind}.${grant.expiresAt}`;
  return `${body}.${secrets.mac(PURPOSE, body)}`;
}

/** The grant a token carries, or why it is refused. */
export function verifyMediaGrant(
  secrets: SecretBox,
  token: string,
  nowSeconds: number,
): { grant: MediaGrant } | { refused: 'malformed' | 'forged' | 'expired' } {
  const m = /^(\d{1,20})\.(\d{1,20})\.(recording|voicemail)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { refused: 'malformed' };
  const body = `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
  if (!constantTimeEqual(secrets.mac(PURPOSE, body), m[5])) return { refused: 'forged' };
  const grant: MediaGrant = {
    accountId: m[1],
    callId: m[2],
    kind: m[3] as MediaKind,
    expiresAt: Number(m[4]),
  };
  return grant.expiresAt < nowSeconds ? { refused: 'expired' } : { grant };
}
