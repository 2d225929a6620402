import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { sqlitePath } from '../database/database-options';

export const GENERATED_KEY_FILE = 'encryption.key';

function decodeKey(text: string, origin: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${origin} must hold 32 bytes encoded as base64`);
  return key;
}

/**
 * The key that seals secrets at rest. ENCRYPTION_KEY when set (config already demands it with MySQL).
 * Otherwise, for the embedded SQLite default, a key generated once into the data directory next to the
 * SQLite file (mode 0600) and read again on later starts, so `npm start` works without setup and the
 * sealed credentials survive restarts. An in-memory SQLite database gets a throwaway key: its data dies
 * with the process anyway.
 */
export function resolveEncryptionKey(config: AppConfig): Buffer {
  if (config.ENCRYPTION_KEY) return decodeKey(config.ENCRYPTION_KEY, 'ENCRYPTION_KEY');
  const databaseFile = sqlitePath(config.DATABASE_URL);
  if (!config.DATABASE_URL.startsWith('sqlite:')) throw new Error('ENCRYPTION_KEY is required with MySQL');
  if (databaseFile === null) return randomBytes(32);
  return loadOrCreateKeyFile(join(dirname(databaseFile), GENERATED_KEY_FILE));
}

export function loadOrCreateKeyFile(file: string): Buffer {
  mkdirSync(dirname(file), { recursive: true });
  // Written whole to a private temporary file, then linked into place: link() fails when the key exists
  // and is atomic, so two processes starting together agree on one key and nobody reads a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    chmodSync(temporary, 0o600);
    linkSync(temporary, file);
    new Logger('Crypto').warn(
      `ENCRYPTION_KEY not set: generated a key into ${file}; back it up with the database`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return decodeKey(readFileSync(file, 'utf8'), file);
}
