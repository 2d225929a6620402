import { LocalObjectStorage } from '../../src/storage/local-object-storage';
import { ObjectStorage } from '../../src/storage/object-storage';
import { S3ObjectStorage } from '../../src/storage/s3-object-storage';
import { generated } from './generated-body';
import { liveMemoryGrowthDuring } from './live-memory';
import { StorageUnderTest } from './storage-memory';

/**
 * measureWriteMemory's child: builds the storage, writes one body first so the modules and sockets a
 * write loads are in place before the baseline, then prints the measured write as one JSON line.
 */
async function main(): Promise<void> {
  const {
    storage: under,
    key,
    sizeBytes,
  } = JSON.parse(process.argv[2]) as {
    storage: StorageUnderTest;
    key: string;
    sizeBytes: number;
  };
  const storage: ObjectStorage =
    under.kind === 'local' ? new LocalObjectStorage(under.root) : new S3ObjectStorage(under.options);
  try {
    await storage.write(`${key}.warm-up`, generated(12 * 1024 * 1024), { contentType: 'audio/mpeg' });
    await storage.delete(`${key}.warm-up`);
    const body = generated(sizeBytes);
    const memory = await liveMemoryGrowthDuring(() =>
      storage.write(key, body, { contentType: 'audio/mpeg' }),
    );
    process.stdout.write(`${JSON.stringify({ ...memory, sha256: body.sha256() })}\n`);
  } finally {
    await storage.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
