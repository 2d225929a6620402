import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaLinkDeadError, MediaRefusedError, MediaTransientError } from '../src/recordings/media-fetch';
import { MediaTransferRequest } from '../src/recordings/media-transfer';
import { MediaTransferThread } from '../src/recordings/transfer-thread';
import { waitFor } from './support/wait-for';

const BYTES = 300_000;
const body = Buffer.alloc(BYTES, 7);
body.write('ID3', 0);
const md5 = createHash('md5').update(body).digest('hex');

/**
 * A media host: `/file` whole with its ETag, `/corrupt` whole with another file's ETag, `/stall`
 * half then nothing, `/gone` 403.
 */
function mediaHost(): Promise<{ server: Server; base: string; stalled: ServerResponse[] }> {
  const stalled: ServerResponse[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/gone') {
      res.writeHead(403).end();
    } else if (req.url === '/corrupt') {
      const other = createHash('md5').update('another file').digest('hex');
      res.writeHead(200, {
        'content-type': 'audio/mpeg',
        'content-length': String(BYTES),
        etag: `"${other}"`,
      });
      res.end(body);
    } else if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(BYTES) });
      res.write(body.subarray(0, BYTES / 2));
      stalled.push(res);
    } else {
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(BYTES), etag: `"${md5}"` });
      res.end(body);
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stalled }),
    ),
  );
}

describe('the recording transfer thread', () => {
  let host: Awaited<ReturnType<typeof mediaHost>>;
  let dir: string;
  let thread: MediaTransferThread;
  let progress = 0;
  const request = (path: string, callId = '1'): MediaTransferRequest => ({
    accountId: '7',
    callId,
    kind: 'recording',
    link: `${host.base}${path}`,
  });
  const never = new AbortController().signal;
  const leftInTemp = async () => readdir(join(dir, '.tmp')).catch(() => []);

  beforeAll(async () => {
    host = await mediaHost();
    dir = await mkdtemp(join(tmpdir(), 'transfer-thread-'));
    thread = new MediaTransferThread(
      {
        storage: { kind: 'local', rootDir: dir },
        allowedHosts: new URL(host.base).host,
        maxBytes: 10_000_000,
        idleTimeoutMs: 30_000,
      },
      5_000,
      (bytes) => (progress += bytes),
    );
  });
  afterAll(async () => {
    await thread?.close();
    for (const res of host?.stalled ?? []) res.destroy();
    host?.server.closeAllConnections();
    await new Promise((resolve) => host?.server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the file with its size, checksum and type, and counts its bytes back', async () => {
    progress = 0;
    const events: string[] = [];
    const result = await thread
      .transfer(request('/file'), never, () => events.push(`received after ${progress} bytes`))
      .finally(() => events.push('stored'));
    // The download is over (and its slot free) once every byte arrived and passed the checks.
    expect(events).toEqual([`received after ${BYTES} bytes`, 'stored']);
    expect(result).toMatchObject({
      storageKey: 'accounts/7/calls/1/recording.mp3',
      sizeBytes: BYTES,
      sha256: createHash('sha256').update(body).digest('hex'),
      contentType: 'audio/mpeg',
    });
    expect(await readFile(join(dir, 'accounts/7/calls/1/recording.mp3'))).toEqual(body);
    // The count arrives before the answer, so it is complete once the transfer resolves.
    expect(progress).toBe(BYTES);
  });

  it('keeps each error’s kind across the thread boundary, which the retry policy reads', async () => {
    await expect(
      thread.transfer({ ...request('/file'), link: 'http://elsewhere.example/x' }, never),
    ).rejects.toThrow(MediaRefusedError);
    const dead = await thread.transfer(request('/gone'), never).catch((error: unknown) => error);
    expect(dead).toBeInstanceOf(MediaLinkDeadError);
    expect((dead as MediaLinkDeadError).status).toBe(403);
  });

  it('never reports a body that fails its checksum as received, and stores nothing', async () => {
    let received = false;
    await expect(thread.transfer(request('/corrupt', '5'), never, () => (received = true))).rejects.toThrow(
      MediaTransientError,
    );
    expect(received).toBe(false);
    await expect(readFile(join(dir, 'accounts/7/calls/5/recording.mp3'))).rejects.toThrow(/ENOENT/);
  });

  it('aborts a download on its signal, leaving no file and no temp file', async () => {
    const abort = new AbortController();
    const running = thread.transfer(request('/stall', '2'), abort.signal);
    const stalledBefore = host.stalled.length;
    await waitFor(
      () => Promise.resolve(host.stalled.length),
      (n) => n > stalledBefore,
    );
    abort.abort(new MediaTransientError('the service is stopping'));
    await expect(running).rejects.toThrow('the service is stopping');
    await expect(readFile(join(dir, 'accounts/7/calls/2/recording.mp3'))).rejects.toThrow(/ENOENT/);
    expect(await waitFor(leftInTemp, (names) => names.length === 0)).toEqual([]);
  });

  it('fails the downloads of a thread that dies as transient, and starts a new thread for the next', async () => {
    const running = thread.transfer(request('/stall', '3'), never);
    const stalledBefore = host.stalled.length;
    await waitFor(
      () => Promise.resolve(host.stalled.length),
      (n) => n > stalledBefore,
    );
    await thread.terminate();
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaTransientError);
    expect((error as Error).message).toMatch(/the transfer thread exited/);
    const again = await thread.transfer(request('/file', '4'), never);
    expect(again.sizeBytes).toBe(BYTES);
  });
});
