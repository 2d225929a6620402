import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * A body of `totalBytes` produced in 64 KiB chunks as it is read, never held whole, with the SHA-256
 * of what it produced; `failAfter` ends it with an error and `destroyAfter` cuts it without one.
 */
export function generated(
  totalBytes: number,
  options: { failAfter?: number; destroyAfter?: number } = {},
): Readable & { sha256(): string } {
  const CHUNK = 64 * 1024;
  const hash = createHash('sha256');
  let produced = 0;
  const stream = new Readable({
    read() {
      if (options.failAfter !== undefined && produced >= options.failAfter) {
        this.destroy(new Error('the recording download was cut'));
        return;
      }
      if (options.destroyAfter !== undefined && produced >= options.destroyAfter) {
        this.destroy();
        return;
      }
      if (produced >= totalBytes) {
        this.push(null);
        return;
      }
      const chunk = Buffer.alloc(Math.min(CHUNK, totalBytes - produced), (produced / CHUNK) % 251);
      chunk.writeUInt32BE(produced / CHUNK, 0);
      hash.update(chunk);
      produced += chunk.length;
      this.push(chunk);
    },
  });
  return Object.assign(stream, { sha256: () => hash.digest('hex') });
}

export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
