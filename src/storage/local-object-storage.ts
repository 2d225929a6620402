import { randomUUID } from 'node:crypto';
import { constants, statSync } from 'node:fs';
import {
  access,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileSink } from './file-sink';
import { assertValidKey, assertValidPrefix } from './object-key';
import {
  assertValidRange,
  ByteRange,
  ObjectNotFoundError,
  ObjectStorage,
  RangeNotSatisfiableError,
  StoredObject,
} from './object-storage';

const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/** The content type a key's extension implies: stored without a metadata file (one file, one fsync less). */
const TYPE_OF_EXTENSION: Record<string, string> = { mp3: 'audio/mpeg', wav: 'audio/wav' };
function impliedType(key: string): string | undefined {
  return TYPE_OF_EXTENSION[key.slice(key.lastIndexOf('.') + 1).toLowerCase()];
}
/** Errors that mean "no object here": missing, or a folder of other objects rather than a file. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export interface LocalObjectStorageOptions {
  /**
   * A temp file untouched for this long is a killed process's and is removed by open(); younger ones
   * may belong to another instance writing into the same folder. Default one hour.
   */
  staleTempAfterMs?: number;
}

/**
 * Objects as files under `rootDir`: `<root>/<key>` holds the bytes, `<root>/.meta/<key>` the content
 * type unless the key's extension implies it (`.mp3`), `<root>/.tmp/` the writes in progress (keys cannot start with a dot, so none collide).
 * A write goes to a temp file on the same filesystem, is fsynced, then renamed into place, so a
 * reader sees the old bytes or the new, never a part. open() runs before the first operation.
 */
export class LocalObjectStorage implements ObjectStorage {
  readonly kind = 'local' as const;
  private readonly root: string;
  private readonly staleTempAfterMs: number;
  private opening: Promise<void> | null = null;

  constructor(rootDir: string, options: LocalObjectStorageOptions = {}) {
    this.root = resolve(rootDir);
    this.staleTempAfterMs = options.staleTempAfterMs ?? 60 * 60 * 1000;
  }

  /** Creates the folders and removes stale temp files; idempotent, and retried after a failure. */
  open(): Promise<void> {
    this.opening ??= this.prepare().catch((error: unknown) => {
      this.opening = null;
      throw error;
    });
    return this.opening;
  }

  async write(
    key: string,
    body: Readable,
    meta: { contentType: string; sizeBytes?: number },
  ): Promise<StoredObject> {
    const dataTemp = join(this.tempDir, `${randomUUID()}.data`);
    const metaTemp = join(this.tempDir, `${randomUUID()}.meta`);
    // Temp files still to remove if the write stops halfway (none once both are renamed).
    const left = new Set<string>();
    try {
      assertValidKey(key);
      await this.open();
      const sink = new FileSink(dataTemp, { expectedBytes: meta.sizeBytes });
      left.add(dataTemp);
      await pipeline(body, sink);
      if (impliedType(key) === meta.contentType) {
        // Almost always absent: looked for first (a stat, in the transfer thread where archiving
        // writes), since a failed unlink costs a thread-pool hop, an error and its stack per file.
        // statSync, not existsSync: an unreadable folder (EACCES, EIO) fails the write as unlink did.
        const metaPath = this.metaPath(key);
        if (statSync(metaPath, { throwIfNoEntry: false }) !== undefined)
          await unlink(metaPath).catch((error: unknown) => {
            if (!ABSENT.has(errorCode(error) ?? '')) throw error;
          });
      } else {
        left.add(metaTemp);
        await writeFile(metaTemp, JSON.stringify({ contentType: meta.contentType }), {
          flag: 'wx',
          flush: true,
        });
        // The data's rename commits: if it fails, `key` still holds the old bytes (only its type is new).
        await this.moveIntoPlace(metaTemp, this.metaPath(key));
        left.delete(metaTemp);
      }
      await this.moveIntoPlace(dataTemp, this.dataPath(key));
      left.delete(dataTemp);
      return { sizeBytes: sink.bytes, contentType: meta.contentType };
    } catch (error) {
      body.destroy();
      throw error;
    } finally {
      await Promise.all([...left].map((file) => rm(file, { force: true })));
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    await this.open();
    const found = await stat(this.dataPath(key)).catch(absentAsNull);
    if (found === null || !found.isFile()) return null;
    return { sizeBytes: found.size, contentType: await this.contentType(key) };
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    if (range) assertValidRange(range);
    await this.open();
    // Reading from the opened descriptor keeps the bytes of this version even if it is overwritten.
    const handle = await open(this.dataPath(key), 'r').catch(absentAsNull);
    if (handle === null) throw new ObjectNotFoundError(key);
    try {
      const found = await handle.stat();
      if (!found.isFile()) throw new ObjectNotFoundError(key);
      if (!range) return handle.createReadStream();
      if (range.start >= found.size) throw new RangeNotSatisfiableError(key, range);
      return handle.createReadStream({ start: range.start, end: Math.min(range.end, found.size - 1) });
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.open();
    await Promise.all([this.removeFile(this.root, key), this.removeFile(this.metaRoot, key)]);
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix);
    await this.open();
    const [deleted] = await Promise.all([
      removeByPrefix(this.root, prefix),
      removeByPrefix(this.metaRoot, prefix),
    ]);
    return deleted;
  }

  async check(): Promise<void> {
    await this.open();
    await access(this.tempDir, constants.R_OK | constants.W_OK);
  }

  async close(): Promise<void> {}

  private get tempDir(): string {
    return join(this.root, '.tmp');
  }

  private get metaRoot(): string {
    return join(this.root, '.meta');
  }

  private dataPath(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  private metaPath(key: string): string {
    return join(this.metaRoot, ...key.split('/'));
  }

  private async prepare(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
    await mkdir(this.metaRoot, { recursive: true });
    const staleBefore = Date.now() - this.staleTempAfterMs;
    for (const name of await readdir(this.tempDir)) {
      const path = join(this.tempDir, name);
      const found = await stat(path).catch(absentAsNull);
      if (found !== null && found.mtimeMs < staleBefore) await rm(path, { recursive: true, force: true });
    }
  }

  private async contentType(key: string): Promise<string> {
    const text = await readFile(this.metaPath(key), 'utf8').catch(absentAsNull);
    if (text === null) return impliedType(key) ?? FALLBACK_CONTENT_TYPE;
    const contentType: unknown = Reflect.get(parseObject(text), 'contentType');
    return typeof contentType === 'string' ? contentType : FALLBACK_CONTENT_TYPE;
  }

  /** Renames `from` to `to`, creating its folder; retried when a concurrent delete pruned the folder. */
  private async moveIntoPlace(from: string, to: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      await mkdir(dirname(to), { recursive: true });
      try {
        await rename(from, to);
        break;
      } catch (error) {
        if (attempt >= 3 || errorCode(error) !== 'ENOENT') throw error;
      }
    }
    await fsyncFolder(dirname(to));
  }

  private async removeFile(base: string, key: string): Promise<void> {
    const path = join(base, ...key.split('/'));
    await unlink(path).catch(absentAsNull);
    await pruneEmptyFolders(dirname(path), base);
  }
}

/** Makes a rename durable: the folder's entry is on disk once its descriptor is fsynced. */
async function fsyncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes every file under `base` whose key starts with `prefix`, and the folders left empty. */
async function removeByPrefix(base: string, prefix: string): Promise<number> {
  const slash = prefix.lastIndexOf('/');
  const folder = join(base, ...prefix.slice(0, slash + 1).split('/'));
  const namePrefix = prefix.slice(slash + 1);
  const entries = await readdir(folder, { withFileTypes: true }).catch(absentAsNull);
  if (entries === null) return 0;
  let removed = 0;
  for (const entry of entries.filter((e) => e.name.startsWith(namePrefix))) {
    removed += await removeTree(join(folder, entry.name), entry.isDirectory());
  }
  await pruneEmptyFolders(folder, base);
  return removed;
}

/** Removes a file, or a folder and every file in it; returns how many files went. */
async function removeTree(path: string, isFolder: boolean): Promise<number> {
  if (!isFolder) return (await unlink(path).then(() => 1, absentAsNull)) ?? 0;
  let removed = 0;
  for (const entry of (await readdir(path, { withFileTypes: true }).catch(absentAsNull)) ?? []) {
    removed += await removeTree(join(path, entry.name), entry.isDirectory());
  }
  await rmdir(path).catch(ignoreNotEmpty);
  return removed;
}

/** Removes `folder` and its parents while they are empty, stopping at `base`. */
async function pruneEmptyFolders(folder: string, base: string): Promise<void> {
  for (let current = folder; current !== base && current.startsWith(base); current = dirname(current)) {
    const removed = await rmdir(current).then(() => true, ignoreNotEmpty);
    if (!removed) return;
  }
}

/** Unreadable metadata (edited by hand, say) reads as none rather than failing every stat. */
function parseObject(text: string): object {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

function errorCode(error: unknown): string | undefined {
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return typeof code === 'string' ? code : undefined;
}

function absentAsNull(error: unknown): null {
  if (ABSENT.has(errorCode(error) ?? '')) return null;
  throw error;
}

/** A folder another write has just filled (or another delete removed) is left as it is. */
function ignoreNotEmpty(error: unknown): false {
  if (['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(errorCode(error) ?? '')) return false;
  throw error;
}
