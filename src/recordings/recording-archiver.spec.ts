import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { ObjectStorage } from '../storage/object-storage';
import { CallMediaRepository, MediaJob, MediaOutcome } from './call-media.repository';
import { MediaTransientError } from './media-fetch';
import { MediaLinkRefresher } from './media-link-refresher';
import { MediaTransferRequest, MediaTransferResult } from './media-transfer';
import { RecordingArchiver } from './recording-archiver';

/** One transfer the fake thread holds open: the test says when its bytes are in and when it ends. */
interface Held {
  request: MediaTransferRequest;
  received: () => void;
  resolve: (result: MediaTransferResult) => void;
  reject: (error: Error) => void;
}

function job(callId: string): MediaJob {
  return {
    accountId: '7',
    callId,
    kind: 'recording',
    status: 'pending',
    attempts: 0,
    refreshes: 0,
    storageKey: null,
    archivedAt: null,
    // Signed a minute ago for an hour: no refresh needed.
    link: `https://media.example/${callId}.mp3?Expires=${Math.floor(Date.now() / 1000) + 3600}`,
    linkSeenAt: new Date(),
  };
}

/**
 * The archiver's slot wiring with its database, refresher and transfer thread replaced by fakes:
 * which downloads run at once as files are received, committed and fail.
 */
describe('RecordingArchiver download slots', () => {
  let archiver: RecordingArchiver;
  let due: MediaJob[];
  const held: Held[] = [];
  const finished: Array<{ callId: string; outcome: MediaOutcome }> = [];
  const started = () => held.map((entry) => entry.request.callId);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  const result = (callId: string): MediaTransferResult => ({
    storageKey: `accounts/7/calls/${callId}/recording.mp3`,
    sizeBytes: 10,
    sha256: 'a'.repeat(64),
    contentType: 'audio/mpeg',
    durationSeconds: 1,
  });

  beforeEach(() => {
    due = ['1', '2', '3', '4'].map(job);
    held.length = 0;
    finished.length = 0;
    const config = Object.assign(new AppConfig(), {
      RECORDINGS: 'archive',
      RECORDINGS_CONCURRENCY: 1,
      RECORDINGS_POLL_MS: 10,
      RECORDINGS_MAX_ATTEMPTS: 5,
    });
    const media = {
      claim: (_owner: string, limit: number) => Promise.resolve(due.splice(0, limit)),
      finish: (_owner: string, finishedJob: MediaJob, outcome: MediaOutcome) => {
        finished.push({ callId: finishedJob.callId, outcome });
        return Promise.resolve(true);
      },
      renew: () => Promise.resolve(0),
      release: () => Promise.resolve(),
    } as unknown as CallMediaRepository;
    const metrics = { inc: () => undefined } as unknown as MetricsService;
    const storage = { close: () => Promise.resolve() } as unknown as ObjectStorage;
    archiver = new RecordingArchiver(config, media, {} as MediaLinkRefresher, metrics, storage);
    Reflect.set(archiver, 'transfers', {
      transfer: (request: MediaTransferRequest, _signal: AbortSignal, received: () => void) =>
        new Promise<MediaTransferResult>((resolve, reject) =>
          held.push({ request, received, resolve, reject }),
        ),
      close: () => Promise.resolve(),
    });
    archiver.onApplicationBootstrap();
  });

  afterEach(async () => {
    for (const entry of held) entry.reject(new MediaTransientError('the test is over'));
    await archiver.onApplicationShutdown();
  });

  it('starts the next download once a file is received, before it is committed', async () => {
    await settle();
    expect(started()).toEqual(['1']);
    held[0].received();
    await settle();
    expect(started()).toEqual(['1', '2']);
    expect(archiver.downloading).toBe(1);
    // With one file committing out of its slot already, the second commits in its slot ...
    held[1].received();
    await settle();
    expect(started()).toEqual(['1', '2']);
    // ... until the first is stored: then the second moves out and the third starts.
    held[0].resolve(result('1'));
    await settle();
    expect(started()).toEqual(['1', '2', '3']);
    expect(finished).toEqual([{ callId: '1', outcome: expect.objectContaining({ status: 'archived' }) }]);
  });

  it('frees the slot of a download that fails, and writes its retry', async () => {
    await settle();
    held[0].reject(new MediaTransientError('the media host answered 503'));
    await settle();
    expect(started()).toEqual(['1', '2']);
    expect(finished[0]).toEqual({
      callId: '1',
      outcome: expect.objectContaining({ status: 'pending', attempts: 1 }),
    });
  });
});
