import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config';
import { GENERATED_KEY_FILE, resolveEncryptionKey } from './encryption-key';
import { SecretBox, SecretUnreadableError } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and the sealed form does not contain the secret', () => {
    const sealed = box.seal('api-token-0123456789');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('api-token');
    expect(box.open(sealed)).toBe('api-token-0123456789');
  });

  it('uses a fresh IV for every value', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a tampered value, another key and an unknown format', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split(':');
    const flipped = Buffer.from(parts[3], 'base64');
    flipped[0] ^= 1;
    expect(() => box.open([parts[0], parts[1], parts[2], flipped.toString('base64')].join(':'))).toThrow(
      SecretUnreadableError,
    );
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(SecretUnreadableError);
    expect(() => box.open('plain-token')).toThrow(SecretUnreadableError);
  });

  it('never puts the sealed value in the error message', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('zebra-token');
    const error = (() => {
      try {
        box.open(sealed);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(SecretUnreadableError);
    expect(error?.message).not.toContain(sealed.split(':')[3]);
  });

  it('derives distinct keys per purpose, stable for one key', () => {
    const key = randomBytes(32);
    expect(new SecretBox(key).deriveKey('oauth-state')).toEqual(new SecretBox(key).deriveKey('oauth-state'));
    expect(new SecretBox(key).deriveKey('oauth-state')).not.toEqual(new SecretBox(key).deriveKey('other'));
    expect(new SecretBox(key).deriveKey('oauth-state')).not.toEqual(key);
  });
});

describe('resolveEncryptionKey', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acs-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses ENCRYPTION_KEY when set', () => {
    const key = randomBytes(32);
    const config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      ENCRYPTION_KEY: key.toString('base64'),
    });
    expect(resolveEncryptionKey(config)).toEqual(key);
  });

  it('generates a key once next to the SQLite file (mode 0600) and reuses it on later starts', () => {
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'data', 'db.sqlite')}` });
    const first = resolveEncryptionKey(config);
    const file = join(dir, 'data', GENERATED_KEY_FILE);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first);
    expect(resolveEncryptionKey(config)).toEqual(first);
  });
});
