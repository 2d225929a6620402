import { AircallSimulator } from '../../test/simulator/aircall-simulator';
import { isDelivered } from '../../test/simulator/webhook-sender';

/**
 * The Aircall simulator for the recordings section, in its own process (started with an IPC channel
 * by recordings-bench.ts), so its CPU time is its own: it is read from /proc during every phase, to
 * tell whether the simulator was what bounded a figure. One company with `files` answered calls, each
 * with a recording of `bytes`; the ETag of every file (an MD5 over the file, ≈ 6 ms per MB, cached by
 * the simulator per file) is computed once at setup by a HEAD request, so no measured phase pays it.
 *
 * Requests (IPC messages `{ id, command }`, each answered `{ id, result }` or `{ id, error }`):
 * `links` fresh signed links of every file; `deliver` call.comm_assets_generated of every call to the
 * webhooks registered (the service's, once connected); `stats` what the media server sent.
 */
export interface MediaHostOptions {
  files: number;
  bytes: number;
}

export interface MediaHostReady {
  baseUrl: string;
  company: { id: number; apiId: string; apiToken: string };
  callIds: number[];
  warmupSeconds: number;
}

export interface MediaHostStats {
  requests: number;
  byStatus: Record<string, number>;
  completed: number;
  bytesSent: number;
}

export type MediaHostCommand = 'links' | 'deliver' | 'stats';

const HOUR = 3600;

async function withConcurrency<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as MediaHostOptions;
  // No generated history: the company's only calls are the ones added below.
  const simulator = await AircallSimulator.start({
    companies: [{ callCount: 0 }],
    mediaBytes: options.bytes,
  });
  const company = simulator.companies[0];
  const now = Math.floor(Date.now() / 1000);
  const callIds: number[] = [];
  for (let i = 0; i < options.files; i++) {
    // Answered calls of the last hours, each with its recording (a minute of talk at least).
    const startedAt = now - HOUR - i * 30;
    const call = company.addCall({
      direction: 'inbound',
      status: 'done',
      started_at: startedAt,
      answered_at: startedAt + 5,
      ended_at: startedAt + 5 + 60 + (i % 600),
      duration: 5 + 60 + (i % 600),
      missed_call_reason: null,
      // A template may carry a voicemail too: only the recording is archived here.
      voicemail: null,
    });
    simulator.addMedia(company.id, call.id, { kinds: ['recording'], bytes: options.bytes });
    callIds.push(call.id);
  }
  const warmStarted = performance.now();
  await withConcurrency(callIds, 4, async (callId) => {
    const res = await fetch(simulator.mediaLink(company.id, callId, 'recording'), { method: 'HEAD' });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HEAD of call ${callId}'s recording answered ${res.status}`);
  });
  const warmupSeconds = (performance.now() - warmStarted) / 1000;
  simulator.resetMediaStats();

  const commands: Record<MediaHostCommand, () => Promise<unknown>> = {
    links: () =>
      Promise.resolve(callIds.map((callId) => simulator.mediaLink(company.id, callId, 'recording'))),
    deliver: async () => {
      let delivered = 0;
      const failed: string[] = [];
      await withConcurrency(callIds, 16, async (callId) => {
        const results = await simulator.generateCommAssets(company.id, callId, {
          kinds: ['recording'],
          bytes: options.bytes,
        });
        if (results.length > 0 && results.every((r) => isDelivered(r.status))) delivered += 1;
        else failed.push(`${callId}: ${results.map((r) => r.status).join(',') || 'no webhook'}`);
      });
      return { delivered, failed: failed.slice(0, 5) };
    },
    stats: () => {
      const stats = simulator.mediaStats();
      return Promise.resolve({
        requests: stats.requests,
        byStatus: stats.byStatus,
        completed: stats.files.reduce((sum, file) => sum + file.completed, 0),
        bytesSent: stats.files.reduce((sum, file) => sum + file.bytesSent, 0),
      } satisfies MediaHostStats);
    },
  };
  process.on('message', (message: { id: number; command: MediaHostCommand }) => {
    const command = commands[message.command];
    void (command ? command() : Promise.reject(new Error(`unknown command ${message.command}`))).then(
      (result) => process.send!({ id: message.id, result }),
      (error: unknown) =>
        process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send!({
    ready: {
      baseUrl: simulator.baseUrl,
      company: { id: company.id, apiId: company.apiId, apiToken: company.apiToken },
      callIds,
      warmupSeconds: Math.round(warmupSeconds * 100) / 100,
    } satisfies MediaHostReady,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
