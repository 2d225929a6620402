import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/**
 * The recordings section's baseline, in a process of its own: the plainest way to copy the same
 * files to the same filesystem — `concurrency` workers, each `fetch(link)` then
 * `pipeline(Readable.fromWeb(body), createWriteStream(file))`, with no checks, no hashing, no fsync
 * and no database. Options as JSON in argv[2]; prints one JSON line (PlainFetchResult) on stdout.
 */
export interface PlainFetchOptions {
  /** A JSON file holding the links (an array of strings). */
  linksFile: string;
  /** Where the files go (created). */
  dir: string;
  concurrency: number;
}

export interface PlainFetchResult {
  files: number;
  bytes: number;
  /** From the first fetch to the last file closed. */
  seconds: number;
  /** CPU seconds this process used in that time (every thread). */
  cpuSeconds: number;
  /** This process's peak RSS, sampled every 100 ms. */
  peakRssMb: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as PlainFetchOptions;
  const links = JSON.parse(readFileSync(options.linksFile, 'utf8')) as string[];
  await mkdir(options.dir, { recursive: true });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  let next = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, links.length) }, async () => {
      while (next < links.length) {
        const index = next++;
        const response = await fetch(links[index]);
        if (response.status !== 200 || !response.body)
          throw new Error(`GET ${links[index]} answered ${response.status}`);
        await pipeline(
          Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
          createWriteStream(join(options.dir, `${index}.mp3`)),
        );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
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
