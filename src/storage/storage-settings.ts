import { LocalObjectStorage } from './local-object-storage';
import { ObjectStorage } from './object-storage';
import type { S3ObjectStorageOptions } from './s3-object-storage';

/** Which storage to open, as plain data: it crosses to worker threads as it is. */
export type StorageSettings =
  { kind: 'local'; rootDir: string } | { kind: 's3'; options: S3ObjectStorageOptions };

/** Opens the storage `settings` name; the AWS SDK is loaded only when it is S3. */
export async function openStorage(settings: StorageSettings): Promise<ObjectStorage> {
  if (settings.kind === 'local') return new LocalObjectStorage(settings.rootDir);
  const { S3ObjectStorage } = await import('./s3-object-storage');
  return new S3ObjectStorage(settings.options);
}
