import { createHmac, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { constantTimeEqual } from '../crypto/hashing';
import { SecretBox } from '../crypto/secret-box';
import { Database, isDuplicateKey } from '../database/database';
import { OAUTH_STATES } from './oauth-states-table';

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
 * signed with a key derived from ENCRYPTION_KEY, valid 10 minutes, and single-use. Issuing one writes
 * nothing, so anonymous hits on /oauth/install cannot fill the database; a state is recorded only when
 * its callback consumes it (only a signature this service made gets that far), and a second use of
 * the same nonce then finds it taken.
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

  issue(now: Date = new Date()): string {
    const nonce = randomBytes(16).toString('hex');
    const expiry = Math.floor((now.getTime() + OAUTH_STATE_TTL_MS) / 1000);
    const payload = `${nonce}.${expiry}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** Verifies the signature and expiry, then consumes the nonce; throws OAuthStateError otherwise. */
  async consume(state: string, now: Date = new Date()): Promise<void> {
    const match = /^([0-9a-f]{32})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(state);
    if (!match) throw new OAuthStateError('invalid');
    const [, nonce, expiry, signature] = match;
    if (!constantTimeEqual(signature, this.sign(`${nonce}.${expiry}`))) throw new OAuthStateError('invalid');
    const expiresAt = Number(expiry) * 1000;
    if (expiresAt <= now.getTime()) throw new OAuthStateError('expired');
    // Housekeeping: a used nonce only matters until its state expires.
    await this.db.execute('DELETE FROM oauth_states WHERE expires_at < ?', [this.db.date(now)]);
    try {
      await this.db.execute(
        `INSERT INTO oauth_states (${OAUTH_STATES.columns.join(', ')}) VALUES (?, ?, ?, ?)`,
        OAUTH_STATES.values(this.db, { nonce, expiresAt: new Date(expiresAt), usedAt: now, createdAt: now }),
      );
    } catch (error) {
      if (isDuplicateKey(error)) throw new OAuthStateError('replayed');
      throw error;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
