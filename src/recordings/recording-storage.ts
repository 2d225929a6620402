import { dirname, join, resolve } from 'node:path';
import { AppConfig } from '../config/app-config';
import { sqlitePath } from '../database/database-options';
import { ObjectStorage } from '../storage/object-storage';
import { LocalObjectStorage } from '../storage/local-object-storage';
import { S3ObjectStorage } from '../storage/s3-object-storage';

/** The DI token of the archive's ObjectStorage. */
export const RECORDING_STORAGE = Symbol('RECORDING_STORAGE');

/** The local archive's directory: RECORDINGS_DIR, else `recordings/` beside the SQLite file, else ./data/recordings. */
export function recordingsDirectory(config: AppConfig): string {
  if (config.RECORDINGS_DIR) return resolve(config.RECORDINGS_DIR);
  const file = config.DATABASE_URL.startsWith('sqlite:') ? sqlitePath(config.DATABASE_URL) : null;
  return file ? join(dirname(resolve(file)), 'recordings') : resolve('data', 'recordings');
}

/** The storage RECORDINGS_STORAGE names (credentials of S3 from the AWS SDK's usual chain). */
export function createRecordingStorage(config: AppConfig): ObjectStorage {
  if (config.RECORDINGS_STORAGE === 's3')
    return new S3ObjectStorage({
      bucket: config.RECORDINGS_S3_BUCKET!,
      prefix: config.RECORDINGS_S3_PREFIX,
      region: config.RECORDINGS_S3_REGION,
      endpoint: config.RECORDINGS_S3_ENDPOINT,
      forcePathStyle: config.RECORDINGS_S3_FORCE_PATH_STYLE,
      serverSideEncryption: config.RECORDINGS_S3_SSE,
      kmsKeyId: config.RECORDINGS_S3_KMS_KEY_ID,
    });
  return new LocalObjectStorage(recordingsDirectory(config));
}

/** `accounts/<account>/calls/<call>/<kind>.<ext>`: every file of an account under one prefix. */
export function mediaKey(accountId: string, callId: string, kind: string, contentType: string): string {
  const extension =
    contentType === 'audio/mpeg' || contentType === 'audio/mp3'
      ? 'mp3'
      : contentType === 'audio/wav' || contentType === 'audio/x-wav'
        ? 'wav'
        : 'bin';
  return `${accountPrefix(accountId)}calls/${callId}/${kind}.${extension}`;
}

export function accountPrefix(accountId: string): string {
  return `accounts/${accountId}/`;
}
