import { parentPort, workerData } from 'node:worker_threads';
import { MediaTransientError } from './media-fetch';
import { HostAllowList } from './media-links';
import { sendableError, transferMedia, TransferSettings } from './media-transfer';
import { openStorage } from '../storage/storage-settings';
import type { FromTransferThread, ToTransferThread } from './transfer-thread';
import { runWorkerThread } from '../workers/worker-thread';

/**
 * Entry point of the recording transfer thread (started by MediaTransferThread): its own storage
 * client, the downloads the archiver hands it, their bytes counted back every 200 ms.
 */
async function main(): Promise<void> {
  const port = parentPort!;
  const settings = workerData as TransferSettings;
  const storage = await openStorage(settings.storage);
  const allow = new HostAllowList(settings.allowedHosts);
  const running = new Map<number, { abort: AbortController; done: Promise<void> }>();
  const post = (message: FromTransferThread) => port.postMessage(message);
  let bytes = 0;
  /** The bytes counted since the last message: every answer carries them, so the count is complete when it arrives. */
  const taken = () => {
    const counted = bytes;
    bytes = 0;
    return counted;
  };
  const flush = () => {
    if (bytes > 0) post({ type: 'progress', bytes: taken() });
  };
  const timer = setInterval(flush, 200).unref();

  port.on('message', (message: ToTransferThread) => {
    if (message.type === 'transfer') {
      const abort = new AbortController();
      const done = transferMedia(message.request, {
        storage,
        allow,
        maxBytes: settings.maxBytes,
        idleTimeoutMs: settings.idleTimeoutMs,
        signal: abort.signal,
        onProgress: (chunk) => (bytes += chunk),
        onReceived: () => post({ type: 'received', id: message.id, bytes: taken() }),
      }).then(
        (result) => post({ type: 'done', id: message.id, result, bytes: taken() }),
        (error: unknown) =>
          post({ type: 'failed', id: message.id, error: sendableError(error), bytes: taken() }),
      );
      running.set(message.id, { abort, done });
      void done.finally(() => running.delete(message.id));
    } else if (message.type === 'abort') {
      running.get(message.id)?.abort.abort(new MediaTransientError(message.message));
    } else {
      for (const { abort } of running.values())
        abort.abort(new MediaTransientError('the service is stopping'));
      void Promise.all([...running.values()].map((entry) => entry.done))
        .then(() => storage.close())
        .finally(() => {
          clearInterval(timer);
          flush();
          post({ type: 'stopped' });
        });
    }
  });
}

runWorkerThread('MediaTransferThread', 'recording transfer thread', main);
