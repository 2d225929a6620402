import { join } from 'node:path';
import { runJsonChild } from '../../bench/support/json-child';
import { S3ObjectStorageOptions } from '../../src/storage/s3-object-storage';

/** How the child builds the storage under test: the same backend the suite's own storage uses. */
export type StorageUnderTest =
  { kind: 'local'; root: string } | { kind: 's3'; options: S3ObjectStorageOptions };

export interface WriteMemoryReading {
  result: { sizeBytes: number; contentType: string };
  peakGrowthBytes: number;
  sha256: string;
}

/**
 * Writes a generated body of `sizeBytes` to `key` in a Node process of its own and reports how much
 * its live memory grew meanwhile. A process of its own because Jest's, after the suites before this
 * one, has timers, sockets and compilation of its own that land in the same heap at random moments.
 */
export function measureWriteMemory(
  storage: StorageUnderTest,
  key: string,
  sizeBytes: number,
): Promise<WriteMemoryReading> {
  const args = [
    '-r',
    'ts-node/register/transpile-only',
    join(__dirname, 'storage-memory-child.ts'),
    JSON.stringify({ storage, key, sizeBytes }),
  ];
  return runJsonChild<WriteMemoryReading>(args, 'the storage memory child');
}
