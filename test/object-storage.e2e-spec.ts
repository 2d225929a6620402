import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalObjectStorage } from '../src/storage/local-object-storage';
import { InvalidObjectKeyError } from '../src/storage/object-key';
import { ObjectNotFoundError, ObjectStorage, RangeNotSatisfiableError } from '../src/storage/object-storage';
import { S3ObjectStorage, S3ObjectStorageOptions } from '../src/storage/s3-object-storage';
import { generated, sha256Of } from './support/generated-body';
import { S3_BUCKET, S3_CREDENTIALS, S3Server, startS3Server } from './support/s3-server';
import { measureWriteMemory, StorageUnderTest } from './support/storage-memory';

const MiB = 1024 * 1024;
const BUCKET = S3_BUCKET;
const CREDENTIALS = S3_CREDENTIALS;
const KEY = 'accounts/123/calls/456/recording.mp3';

/** A storage under test, and where each backend would leave the debris of a failed write. */
interface Backend {
  storage: ObjectStorage;
  /** Temp files (local) or multipart uploads (S3) still there. */
  leftovers(): Promise<string[]>;
  /** How another process builds a storage on the same place. */
  underTest: StorageUnderTest;
  stop(): Promise<void>;
}

describe.each([
  ['LocalObjectStorage in a temp folder', startLocal],
  ['S3ObjectStorage against s3rver', startS3],
])('%s', (_name, start: () => Promise<Backend>) => {
  let backend: Backend;
  let storage: ObjectStorage;
  beforeAll(async () => {
    backend = await start();
    storage = backend.storage;
  });
  afterAll(() => backend.stop());

  it('stores exactly the bytes written, and stat reports their size and content type', async () => {
    const bytes = randomBytes(300 * 1024);
    expect(await storage.write(KEY, chunked(bytes), { contentType: 'audio/mpeg' })).toEqual({
      sizeBytes: bytes.length,
      contentType: 'audio/mpeg',
    });
    expect(await storage.stat(KEY)).toEqual({ sizeBytes: bytes.length, contentType: 'audio/mpeg' });
    expect((await readAll(await storage.read(KEY))).equals(bytes)).toBe(true);
  });

  it('stores an empty body as an empty object', async () => {
    expect(await storage.write('empty/a', chunked(Buffer.alloc(0)), { contentType: 'audio/mpeg' })).toEqual({
      sizeBytes: 0,
      contentType: 'audio/mpeg',
    });
    expect(await storage.stat('empty/a')).toEqual({ sizeBytes: 0, contentType: 'audio/mpeg' });
    expect(await readAll(await storage.read('empty/a'))).toEqual(Buffer.alloc(0));
  });

  it('reads ranges: the first byte, a middle slice, the last byte, an end clamped to the last byte', async () => {
    const bytes = randomBytes(10_000);
    await storage.write('ranges/a.mp3', chunked(bytes), { contentType: 'audio/mpeg' });
    const range = async (start: number, end: number) =>
      readAll(await storage.read('ranges/a.mp3', { start, end }));
    expect(await range(0, 0)).toEqual(bytes.subarray(0, 1));
    expect(await range(4000, 5999)).toEqual(bytes.subarray(4000, 6000));
    expect(await range(9999, 9999)).toEqual(bytes.subarray(9999));
    expect(await range(9000, 20_000)).toEqual(bytes.subarray(9000));
    await expect(storage.read('ranges/a.mp3', { start: 10_000, end: 10_001 })).rejects.toThrow(
      RangeNotSatisfiableError,
    );
    await expect(storage.read('ranges/a.mp3', { start: 5, end: 4 })).rejects.toThrow(RangeError);
  });

  it('overwrites an object whole: new bytes, new size, new content type', async () => {
    await storage.write('overwrite/a', chunked(randomBytes(50_000)), { contentType: 'audio/wav' });
    const second = randomBytes(1234);
    await storage.write('overwrite/a', chunked(second), { contentType: 'audio/mpeg' });
    expect(await storage.stat('overwrite/a')).toEqual({ sizeBytes: 1234, contentType: 'audio/mpeg' });
    expect(await readAll(await storage.read('overwrite/a'))).toEqual(second);
  });

  it('a body that errors halfway rejects with its error and leaves nothing behind', async () => {
    // 7 MiB is past the first 5 MiB part, so S3 has a multipart upload to abort.
    const body = generated(20 * MiB, { failAfter: 7 * MiB });
    await expect(storage.write('failed/a.mp3', body, { contentType: 'audio/mpeg' })).rejects.toThrow(
      'the recording download was cut',
    );
    expect(await storage.stat('failed/a.mp3')).toBeNull();
    expect(await backend.leftovers()).toEqual([]);
  });

  it('a body destroyed halfway without an error rejects too and leaves nothing behind', async () => {
    const body = generated(20 * MiB, { destroyAfter: 7 * MiB });
    await expect(storage.write('failed/b.mp3', body, { contentType: 'audio/mpeg' })).rejects.toThrow();
    expect(await storage.stat('failed/b.mp3')).toBeNull();
    expect(await backend.leftovers()).toEqual([]);
  });

  it('a failed overwrite keeps the previous object intact', async () => {
    const first = randomBytes(4321);
    await storage.write('failed/kept.mp3', chunked(first), { contentType: 'audio/mpeg' });
    const body = generated(20 * MiB, { failAfter: 6 * MiB });
    await expect(storage.write('failed/kept.mp3', body, { contentType: 'audio/mpeg' })).rejects.toThrow();
    expect(await storage.stat('failed/kept.mp3')).toEqual({ sizeBytes: 4321, contentType: 'audio/mpeg' });
    expect(await readAll(await storage.read('failed/kept.mp3'))).toEqual(first);
    expect(await backend.leftovers()).toEqual([]);
  });

  it('keeps a content type the extension does not imply, and forgets it when overwritten with the implied one', async () => {
    await storage.write('typed/a.mp3', chunked(randomBytes(10)), { contentType: 'audio/x-custom' });
    expect(await storage.stat('typed/a.mp3')).toEqual({ sizeBytes: 10, contentType: 'audio/x-custom' });
    await storage.write('typed/a.mp3', chunked(randomBytes(12)), { contentType: 'audio/mpeg' });
    expect(await storage.stat('typed/a.mp3')).toEqual({ sizeBytes: 12, contentType: 'audio/mpeg' });
    await storage.write('typed/b', chunked(randomBytes(3)), { contentType: 'audio/mpeg' });
    expect(await storage.stat('typed/b')).toEqual({ sizeBytes: 3, contentType: 'audio/mpeg' });
  });

  it('refuses a body longer or shorter than the sizeBytes announced, storing nothing', async () => {
    const meta = (sizeBytes: number) => ({ contentType: 'audio/mpeg', sizeBytes });
    await expect(storage.write('sized/a', chunked(randomBytes(1000)), meta(999))).rejects.toThrow(
      'the body has more bytes than the 999 announced in sizeBytes',
    );
    await expect(storage.write('sized/a', chunked(randomBytes(1000)), meta(1001))).rejects.toThrow(
      'the body has fewer bytes than the 1001 announced in sizeBytes',
    );
    expect(await storage.stat('sized/a')).toBeNull();
    expect(await storage.write('sized/a', chunked(randomBytes(1000)), meta(1000))).toEqual(meta(1000));
    expect(await backend.leftovers()).toEqual([]);
  });

  it('streams a 64 MB body through in flat memory: live heap and buffers grow by well under its size', async () => {
    const size = 64 * MiB;
    const memory = await measureWriteMemory(backend.underTest, 'big/recording.mp3', size);
    expect(memory.result).toEqual({ sizeBytes: size, contentType: 'audio/mpeg' });
    expect(memory.peakGrowthBytes).toBeLessThan(32 * MiB);
    expect(await storage.stat('big/recording.mp3')).toEqual({ sizeBytes: size, contentType: 'audio/mpeg' });
    expect(await sha256Of(await storage.read('big/recording.mp3'))).toBe(memory.sha256);
    await storage.delete('big/recording.mp3');
  });

  it('deletes idempotently; a deleted or never-written key reads as not found', async () => {
    await storage.write('deleted/a', chunked(randomBytes(10)), { contentType: 'audio/mpeg' });
    await storage.delete('deleted/a');
    await storage.delete('deleted/a');
    await storage.delete('never/written');
    expect(await storage.stat('deleted/a')).toBeNull();
    await expect(storage.read('deleted/a')).rejects.toThrow(ObjectNotFoundError);
    await expect(storage.read('never/written', { start: 0, end: 0 })).rejects.toThrow(ObjectNotFoundError);
  });

  it('deletePrefix deletes only the keys that start with the prefix and returns how many', async () => {
    const keys = [
      'purge/accounts/1/calls/1/recording.mp3',
      'purge/accounts/1/calls/2/recording.mp3',
      'purge/accounts/1/voicemail.mp3',
      'purge/accounts/12/calls/3/recording.mp3',
      'purge/accounts/2/calls/4/recording.mp3',
    ];
    for (const key of keys)
      await storage.write(key, chunked(randomBytes(100)), { contentType: 'audio/mpeg' });
    expect(await storage.deletePrefix('purge/accounts/1/')).toBe(3);
    expect(await storage.deletePrefix('purge/accounts/1/')).toBe(0);
    expect(await storage.stat('purge/accounts/12/calls/3/recording.mp3')).not.toBeNull();
    // A prefix is a string prefix, as in S3: accounts/1 also takes accounts/12.
    expect(await storage.deletePrefix('purge/accounts/1')).toBe(1);
    expect(await storage.stat('purge/accounts/2/calls/4/recording.mp3')).not.toBeNull();
    expect(await storage.deletePrefix('purge/')).toBe(1);
    expect(await storage.deletePrefix('nothing/here/')).toBe(0);
  });

  it('refuses invalid keys and prefixes with a clear error, before touching storage', async () => {
    for (const key of ['../escape', '/etc/passwd', 'a\\b', 'a\u0000b', 'a//b', 'a/', '', '.tmp/x']) {
      const body = chunked(randomBytes(10));
      await expect(storage.write(key, body, { contentType: 'audio/mpeg' })).rejects.toThrow(
        InvalidObjectKeyError,
      );
      expect(body.destroyed).toBe(true);
      await expect(storage.stat(key)).rejects.toThrow(/^invalid object key/);
      await expect(storage.read(key)).rejects.toThrow(InvalidObjectKeyError);
      await expect(storage.delete(key)).rejects.toThrow(InvalidObjectKeyError);
    }
    await expect(storage.deletePrefix('')).rejects.toThrow('invalid object key "": it is empty');
    await expect(storage.deletePrefix('../')).rejects.toThrow(InvalidObjectKeyError);
  });

  it('passes its reachability check', async () => {
    await expect(storage.check()).resolves.toBeUndefined();
  });
});

describe('LocalObjectStorage on its own', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'local-storage-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('removes the temp files a killed process left, and keeps the ones still young', async () => {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    writeFileSync(join(root, '.tmp', 'killed.data'), 'half a recording');
    writeFileSync(join(root, '.tmp', 'in-flight.data'), 'another instance is writing this');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(root, '.tmp', 'killed.data'), twoHoursAgo, twoHoursAgo);
    await new LocalObjectStorage(root).open();
    expect(await readdir(join(root, '.tmp'))).toEqual(['in-flight.data']);
  });

  it('keeps objects as plain files under their key and prunes the folders a delete empties', async () => {
    const storage = new LocalObjectStorage(root);
    await storage.write('accounts/7/calls/8/recording.mp3', chunked(Buffer.from('ID3')), {
      contentType: 'audio/mpeg',
    });
    expect(await readFile(join(root, 'accounts/7/calls/8/recording.mp3'), 'utf8')).toBe('ID3');
    await storage.delete('accounts/7/calls/8/recording.mp3');
    expect((await readdir(root)).sort()).toEqual(['.meta', '.tmp']);
    expect(await readdir(join(root, '.meta'))).toEqual([]);
  });
});

describe('S3ObjectStorage on its own', () => {
  let s3: S3Server;
  const raw = () =>
    new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
  const open = (options: Partial<S3ObjectStorageOptions> = {}) =>
    new S3ObjectStorage({ ...s3Options(s3.endpoint), ...options });
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3.stop());

  it('puts every key under the prefix, and deletePrefix leaves objects outside it alone', async () => {
    const client = raw();
    const storage = open({ prefix: 'archive/v1' });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'accounts/1/outside.mp3', Body: 'x' }));
    await storage.write('accounts/1/calls/2/recording.mp3', chunked(randomBytes(10)), {
      contentType: 'audio/mpeg',
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      'accounts/1/outside.mp3',
      'archive/v1/accounts/1/calls/2/recording.mp3',
    ]);
    expect(await storage.deletePrefix('accounts/1/')).toBe(1);
    const left = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((left.Contents ?? []).map((o) => o.Key)).toEqual(['accounts/1/outside.mp3']);
    await storage.close();
    client.destroy();
  });

  it('sends server-side encryption on single and multipart uploads (s3rver ignores it, the wire shows it)', async () => {
    const storage = open({ serverSideEncryption: 'aws:kms', kmsKeyId: 'alias/recordings' });
    const sent = recordRequests(storage.client);
    await storage.write('sse/small.mp3', chunked(randomBytes(1000)), { contentType: 'audio/mpeg' });
    await storage.write('sse/large.mp3', generated(6 * MiB), { contentType: 'audio/mpeg' });
    const encryption = (name: string) =>
      sent
        .filter((r) => r.command === name)
        .map((r) => [r.headers['x-amz-server-side-encryption'], r.kmsKeyId]);
    expect(encryption('PutObjectCommand')).toEqual([['aws:kms', 'alias/recordings']]);
    expect(encryption('CreateMultipartUploadCommand')).toEqual([['aws:kms', 'alias/recordings']]);
    expect(sent.find((r) => r.command === 'PutObjectCommand')?.headers['content-type']).toBe('audio/mpeg');
    await storage.close();
  });

  it('aborts the multipart upload of a failed write (so the abort is what empties the list)', async () => {
    const storage = open();
    const sent = recordRequests(storage.client);
    const body = generated(20 * MiB, { failAfter: 7 * MiB });
    await expect(storage.write('failed/c.mp3', body, { contentType: 'audio/mpeg' })).rejects.toThrow();
    const commands = sent.map((r) => r.command);
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands).toContain('UploadPartCommand');
    expect(commands).toContain('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    expect(await s3.pendingUploads()).toEqual([]);
    await storage.close();
  });

  it('fails its check for a bucket that does not exist, and refuses a KMS key without aws:kms', async () => {
    const storage = open({ bucket: 'no-such-bucket' });
    await expect(storage.check()).rejects.toThrow();
    await storage.close();
    expect(() => open({ kmsKeyId: 'alias/x' })).toThrow("kmsKeyId needs serverSideEncryption 'aws:kms'");
  });
});

// --- backends --------------------------------------------------------------------------------

async function startLocal(): Promise<Backend> {
  const root = mkdtempSync(join(tmpdir(), 'local-storage-'));
  const storage = new LocalObjectStorage(root);
  return {
    storage,
    leftovers: () => readdir(join(root, '.tmp')),
    underTest: { kind: 'local', root },
    stop: async () => {
      await storage.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function startS3(): Promise<Backend> {
  const s3 = await startS3Server();
  const storage = new S3ObjectStorage(s3Options(s3.endpoint));
  return {
    storage,
    leftovers: () => s3.pendingUploads(),
    underTest: { kind: 's3', options: s3Options(s3.endpoint) },
    stop: async () => {
      await storage.close();
      await s3.stop();
    },
  };
}

function s3Options(endpoint: string): S3ObjectStorageOptions {
  return { bucket: BUCKET, region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS };
}

/** Every command the client sends, as built for the wire (retries not repeated): headers and KMS key. */
function recordRequests(client: S3Client) {
  const sent: Array<{ command: string; headers: Record<string, string>; kmsKeyId: unknown }> = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      const input = args.input as Record<string, unknown>;
      sent.push({
        command: context.commandName ?? '?',
        headers: { ...request.headers },
        kmsKeyId: input.SSEKMSKeyId,
      });
      return next(args);
    },
    { step: 'build', name: 'recordRequests' },
  );
  return sent;
}

// --- bodies and measurements -----------------------------------------------------------------

/** The bytes as a stream of 16 KiB chunks, as a download would deliver them. */
function chunked(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16 * 1024)
    chunks.push(bytes.subarray(offset, offset + 16 * 1024));
  return Readable.from(chunks, { objectMode: false });
}

/**
 * `totalBytes` generated 64 KiB at a time and never held whole, each chunk stamped with its index so
 * misordered parts show in the hash; optionally failing (or destroyed) once `…After` bytes are out.
 */
async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
