import { dirname, join, resolve } from 'node:path';
import { AppConfig } from '../config/app-config';
import { sqlitePath } from '../database/database-options';
import { ObjectStorage } from '../storage/object-storage';
import { openStorage, StorageSettings } from '../storage/storage-settings';

/** The DI token of the archive's ObjectStorage. */
export const RECORDING_STORAGE = Symbol('RECORDING_STORAGE');

/** The local archive's directory: RECORDINGS_DIR, else `recordings/` beside the SQLite file, else ./data/recordings. */
export function recordingsDirectory(config: AppConfig): string {
  if (config.RECORDINGS_DIR) return resolve(config.RECORDINGS_DIR);
  const file = config.DATABASE_URL.startsWith('sqlite:') ? sqlitePath(config.DATABASE_URL) : null;
  return file ? join(dirname(resolve(file)), 'recordings') : resolve('data', 'recordings');
}

/** The storage RECORDINGS_STORAGE names (credentials of S3 from the AWS SDK's usual chain). */
export function recordingStorageSettings(config: AppConfig): StorageSettings {
  if (config.RECORDINGS_STORAGE === 's3')
    return {
      kind: 's3',
      options: {
        bucket: config.RECORDINGS_S3_BUCKET!,
        prefix: config.RECORDINGS_S3_PREFIX,
        region: config.RECORDINGS_S3_REGION,
        endpoint: config.RECORDINGS_S3_ENDPOINT,
        forcePathStyle: config.RECORDINGS_S3_FORCE_PATH_STYLE,
        serverSideEncryption: config.RECORDINGS_S3_SSE,
        kmsKeyId: config.RECORDINGS_S3_KMS_KEY_ID,
      },
    };
  return { kind: 'local', rootDir: recordingsDirectory(config) };
}

export function createRecordingStorage(config: AppConfig): Promise<ObjectStorage> {
  return openStorage(recordingStorageSettings(config));
}
