import { createHmac, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { constantTimeEqual } from '../crypto/hashing';
import { SecretBox } from '../crypto/secret-box';
import { Database } from '../database/database';

/** How long an admin has between leaving for Aircall's consent page and coming back. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export type OAuthStateRejection = 'invalid' | 'expired' | 'replayed';

export class OAuthStateError extends Error {
  constructor(readonly reason: OAuthStateRejection) {
    super(
      reason === 'expired'
        ? 'the install link expired (it is valid for 10 minutes)'
        : reason === 'replayed'
          ? 'this install link was already used'
          : 'the install link is invalid or was altered',
    );
    this.name = 'OAuthStateError';
  }
}

/**
 * The OAuth `state` parameter, Aircall's recommended CSRF guard (https://developer.aircall.io/docs/best-practices,
 * https://developer.aircall.io/tutorials/how-aircall-oauth-flow-works): `<nonce>.<expiry unix s>.<HMAC-SHA256>`,
 * signed with a key derived from ENCRYPTION_KEY, valid 10 minutes, and single-use: its nonce is recorded in
 * oauth_states when issued and consumed by one atomic UPDATE when Aircall sends the admin back.
 */
@Injectable()
export class OAuthStateStore {
  private readonly key: Buffer;

  constructor(
    private readonly db: Database,
    secrets: SecretBox,
  ) {
    this.key = secrets.deriveKey('oauth-state');
  }

  async issue(now: Date = new Date()): Promise<string> {
    const nonce = randomBytes(16).toString('hex');
    const expiresAt = new Date(now.getTime() + OAUTH_STATE_TTL_MS);
    // Housekeeping: states older than a day can no longer matter to anyone.
    await this.db.execute('DELETE FROM oauth_states WHERE expires_at < ?', [
      this.db.date(now.getTime() - 86_400_000),
    ]);
    await this.db.execute(
      'INSERT INTO oauth_states (nonce, expires_at, used_at, created_at) VALUES (?, ?, NULL, ?)',
      [nonce, this.db.date(expiresAt), this.db.date(now)],
    );
    const payload = `${nonce}.${Math.floor(expiresAt.getTime() / 1000)}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** Verifies the signature and expiry, then consumes the nonce; throws OAuthStateError otherwise. */
  async consume(state: string, now: Date = new Date()): Promise<void> {
    const match = /^([0-9a-f]{32})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(state);
    if (!match) throw new OAuthStateError('invalid');
    const [, nonce, expiry, signature] = match;
    if (!constantTimeEqual(signature, this.sign(`${nonce}.${expiry}`))) throw new OAuthStateError('invalid');
    if (Number(expiry) * 1000 <= now.getTime()) throw new OAuthStateError('expired');
    const consumed = await this.db.execute(
      'UPDATE oauth_states SET used_at = ? WHERE nonce = ? AND used_at IS NULL AND expires_at > ?',
      [this.db.date(now), nonce, this.db.date(now)],
    );
    if (consumed !== 1) throw new OAuthStateError('replayed');
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
