import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileSink, remainingAfter } from './file-sink';

describe('FileSink', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'file-sink-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const chunksOf = (sizes: number[]): Buffer[] => {
    let next = 0;
    return sizes.map((size) => Buffer.from(Array.from({ length: size }, () => next++ % 251)));
  };
  /** FileHandle's prototype, whose writev the tests watch or make misbehave. */
  async function fileHandlePrototype(): Promise<FileHandle> {
    const probe = await open(join(dir, 'probe'), 'w');
    await probe.close();
    return Object.getPrototypeOf(probe) as FileHandle;
  }
  /** Counts the writevs every FileHandle makes (the real call runs). */
  async function countWrites(): Promise<{ calls: number[] }> {
    const prototype = await fileHandlePrototype();
    const seen = { calls: [] as number[] };
    const real = prototype.writev;
    jest.spyOn(prototype, 'writev').mockImplementation(function (this: FileHandle, buffers, position) {
      seen.calls.push(buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0));
      return real.call(this, buffers, position);
    });
    return seen;
  }

  it('writes every byte in order, gathered into writes of at least the batch size', async () => {
    const writes = await countWrites();
    const chunks = chunksOf([3, 7, 1, 12, 5, 5, 9, 2]);
    const sink = new FileSink(join(dir, 'out'), { batchBytes: 10, expectedBytes: 44 });
    await pipeline(Readable.from(chunks), sink);
    expect(readFileSync(join(dir, 'out'))).toEqual(Buffer.concat(chunks));
    expect(sink.bytes).toBe(44);
    // Eight chunks, four writes: each but the last holds at least a batch.
    expect(writes.calls.reduce((sum, n) => sum + n, 0)).toBe(44);
    expect(writes.calls.slice(0, -1).every((n) => n >= 10)).toBe(true);
    expect(writes.calls.length).toBeLessThan(chunks.length);
  });

  it('writes the rest when the file system takes only part of a write', async () => {
    const prototype = await fileHandlePrototype();
    const real = prototype.writev;
    // The first write takes 5 bytes of the first chunk only, as a writev may.
    jest.spyOn(prototype, 'writev').mockImplementationOnce(async function (this: FileHandle, buffers) {
      const { bytesWritten } = await real.call(this, [(buffers[0] as Buffer).subarray(0, 5)]);
      return { bytesWritten, buffers };
    });
    const chunks = chunksOf([8, 8, 8]);
    await pipeline(Readable.from(chunks), new FileSink(join(dir, 'out'), { batchBytes: 16 }));
    expect(readFileSync(join(dir, 'out'))).toEqual(Buffer.concat(chunks));
  });

  it('fails rather than loops when the file system takes none of a write', async () => {
    const prototype = await fileHandlePrototype();
    jest.spyOn(prototype, 'writev').mockImplementation(async (buffers) => ({ bytesWritten: 0, buffers }));
    await expect(
      pipeline(Readable.from(chunksOf([8])), new FileSink(join(dir, 'out'), { batchBytes: 4 })),
    ).rejects.toThrow('the file system took none of the bytes');
  });

  it('refuses a body longer than announced at the first byte too many', async () => {
    const sink = new FileSink(join(dir, 'out'), { batchBytes: 4, expectedBytes: 10 });
    await expect(pipeline(Readable.from(chunksOf([6, 6, 6])), sink)).rejects.toThrow(
      'the body has more bytes than the 10 announced in sizeBytes',
    );
    expect(sink.bytes).toBe(12);
  });

  it('refuses a body shorter than announced before making the file durable', async () => {
    const sink = new FileSink(join(dir, 'out'), { expectedBytes: 10 });
    await expect(pipeline(Readable.from(chunksOf([4, 4])), sink)).rejects.toThrow(
      'the body has fewer bytes than the 10 announced in sizeBytes',
    );
  });

  it('never writes over a file that is there', async () => {
    writeFileSync(join(dir, 'out'), 'kept');
    await expect(pipeline(Readable.from(chunksOf([4])), new FileSink(join(dir, 'out')))).rejects.toThrow(
      /EEXIST/,
    );
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('kept');
  });

  it('closes its file when the body fails halfway', async () => {
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(8));
        this.destroy(new Error('connection reset'));
      },
    });
    const sink = new FileSink(join(dir, 'out'), { batchBytes: 4 });
    const closed = new Promise((resolve) => sink.once('close', resolve));
    await expect(pipeline(failing, sink)).rejects.toThrow('connection reset');
    await closed;
    expect(openFiles()).toBe(before);
  });
});

describe('remainingAfter', () => {
  const buffers = [Buffer.from('abc'), Buffer.from('de'), Buffer.from('fgh')];
  const text = (left: Buffer[]) => left.map((buffer) => buffer.toString()).join('|');

  it('drops the buffers written in full and cuts the one written in part', () => {
    expect(text(remainingAfter(buffers, 0))).toBe('abc|de|fgh');
    expect(text(remainingAfter(buffers, 2))).toBe('c|de|fgh');
    expect(text(remainingAfter(buffers, 3))).toBe('de|fgh');
    expect(text(remainingAfter(buffers, 6))).toBe('gh');
    expect(text(remainingAfter(buffers, 8))).toBe('');
  });
});
