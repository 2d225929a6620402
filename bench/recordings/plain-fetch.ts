import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { IncomingMessage, request } from 'node:http';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/**
 * The recordings section's baselines, each run in a process of its own over the same files to the
 * same filesystem, `concurrency` workers at once. Options as JSON in argv[2]; prints one JSON line
 * (PlainFetchResult) on stdout.
 *
 * - **plain** (the baseline): `fetch(link)` then
 *   `pipeline(Readable.fromWeb(body), createWriteStream(file))`: no checks, no hashing, no fsync, no
 *   database.
 * - **checked**: the leanest loop that does what the issue asks of every archived file and nothing
 *   else: node:http (cheaper per byte than fetch), SHA-256 of the bytes, the length checked against
 *   `Content-Length` and the MD5 against the host's ETag, written to `<file>.part`, fdatasync, renamed,
 *   the folder fsynced. No database, no claims, no worker thread. recordings-bench.ts runs it as one
 *   process per core, the links shared among them, so the hashing uses every core: what it reaches
 *   against the plain loop is a reference for what those checks cost on the machine.
 */
export interface PlainFetchOptions {
  /** A JSON file holding the links (an array of strings). */
  linksFile: string;
  /** Where the files go (created). */
  dir: string;
  concurrency: number;
  /** The checked loop rather than the plain one. */
  checked?: boolean;
}

export interface PlainFetchResult {
  files: number;
  bytes: number;
  /** From the first fetch to the last file closed. */
  seconds: number;
  /** The same span as wall-clock times (ms since the epoch), to combine processes run side by side. */
  startedAtMs: number;
  endedAtMs: number;
  /** CPU seconds this process used in that time (every thread). */
  cpuSeconds: number;
  /** This process's peak RSS, sampled every 100 ms. */
  peakRssMb: number;
}

/** The plain loop's copy: fetch's web stream into a write stream. */
async function copyPlain(link: string, file: string): Promise<void> {
  const response = await fetch(link);
  if (response.status !== 200 || !response.body) throw new Error(`GET ${link} answered ${response.status}`);
  await pipeline(
    Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
    createWriteStream(file),
  );
}

function get(link: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(link, { headers: { accept: 'audio/*' } }, resolve);
    req.once('error', reject);
    req.end();
  });
}

/** The checked loop's copy: hashed, length and ETag checked, durable before it counts. */
async function copyChecked(link: string, file: string): Promise<void> {
  const response = await get(link);
  if (response.statusCode !== 200) {
    response.destroy();
    throw new Error(`GET ${link} answered ${response.statusCode}`);
  }
  const length = Number(response.headers['content-length']);
  const etag = /^"?([0-9a-f]{32})"?$/i.exec(String(response.headers.etag ?? ''))?.[1];
  if (!Number.isInteger(length) || !etag) {
    response.destroy();
    throw new Error(`GET ${link} sent no Content-Length or no MD5 ETag: the checked loop checks both`);
  }
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      sha256.update(chunk);
      md5.update(chunk);
      done(null, chunk);
    },
  });
  const part = `${file}.part`;
  await pipeline(response, meter, createWriteStream(part));
  if (bytes !== length) throw new Error(`${link}: ${bytes} of ${length} bytes arrived`);
  if (md5.digest('hex') !== etag.toLowerCase()) throw new Error(`${link}: the MD5 is not the ETag`);
  sha256.digest('hex');
  const handle = await open(part, 'r+');
  await handle.datasync();
  await handle.close();
  await rename(part, file);
  const folder = await open(dirname(file), 'r');
  await folder.sync();
  await folder.close();
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as PlainFetchOptions;
  const links = JSON.parse(readFileSync(options.linksFile, 'utf8')) as string[];
  const copy = options.checked ? copyChecked : copyPlain;
  await mkdir(options.dir, { recursive: true });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  let next = 0;
  const started = performance.now();
  const startedAtMs = performance.timeOrigin + started;
  const cpuStarted = process.cpuUsage();
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, links.length) }, async () => {
      while (next < links.length) {
        const index = next++;
        await copy(links[index], join(options.dir, `${index}.mp3`));
      }
    }),
  );
  const ended = performance.now();
  const seconds = (ended - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  let bytes = 0;
  for (let index = 0; index < links.length; index++)
    bytes += (await stat(join(options.dir, `${index}.mp3`))).size;
  process.stdout.write(
    `${JSON.stringify({
      files: links.length,
      bytes,
      seconds,
      startedAtMs,
      endedAtMs: performance.timeOrigin + ended,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMb: Math.round((peakRss / (1024 * 1024)) * 10) / 10,
    } satisfies PlainFetchResult)}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
