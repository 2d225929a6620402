import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value could not be opened: wrong ENCRYPTION_KEY, corrupted or unknown format. Never carries the value. */
export class SecretUnreadableError extends Error {
  constructor(reason: string) {
    super(`stored secret cannot be decrypted (${reason}); was ENCRYPTION_KEY changed?`);
    this.name = 'SecretUnreadableError';
  }
}

/**
 * Secrets at rest (OAuth access tokens, Basic api tokens): AES-256-GCM with a fresh random 12-byte IV
 * per value, stored as `v1:<iv>:<tag>:<ciphertext>` (base64 parts). The version prefix lets a later
 * format or key rotation coexist with rows sealed today.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.key = Buffer.from(key);
  }

  /**
   * An HMAC-SHA256 of `data` (base64url) under a key derived from this one for `purpose`, so links
   * this service signs (archived recordings) cannot be forged, nor used for another purpose.
   */
  mac(purpose: string, data: string): string {
    const key = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `aircall-sync mac ${purpose}`, 32));
    return createHmac('sha256', key).update(data).digest('base64url');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  open(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretUnreadableError('unknown format');
    const [, iv, tag, ciphertext] = parts.map((p, i) =>
      i === 0 ? Buffer.alloc(0) : Buffer.from(p, 'base64'),
    );
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretUnreadableError('malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('authentication failed');
    }
  }

  /**
   * A separate 32-byte key for another purpose (e.g. signing OAuth states), derived with HKDF so the
   * encryption key itself is never used for two jobs.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `aircall-sync:${purpose}`, 32));
  }
}
