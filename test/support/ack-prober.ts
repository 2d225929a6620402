import { Worker } from 'node:worker_threads';

/**
 * Posts webhook deliveries one after another from a thread of its own, timing each acknowledgement.
 * A client on the test's own thread cannot see the service's event loop stall (it stalls with it):
 * this one keeps its clock running while the service's thread is busy.
 */
export class AckProber {
  private readonly worker: Worker;
  private readonly done: Promise<Array<{ status: number; ms: number }>>;

  constructor(url: string, bodies: (i: number) => string, count = 10_000) {
    const payloads = Array.from({ length: count }, (_, i) => bodies(i));
    this.worker = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads');
      let stop = false;
      parentPort.on('message', () => { stop = true; });
      (async () => {
        const acks = [];
        for (const body of workerData.payloads) {
          if (stop && acks.length >= workerData.minimum) break;
          const started = performance.now();
          const res = await fetch(workerData.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.arrayBuffer();
          acks.push({ status: res.status, ms: performance.now() - started });
          await new Promise((r) => setTimeout(r, 20));
        }
        parentPort.postMessage(acks);
      })();
      `,
      { eval: true, workerData: { url, payloads, minimum: 5 } },
    );
    this.done = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
    });
  }

  /** Stops after the delivery in flight (and at least five in all); resolves with every acknowledgement. */
  async stop(): Promise<Array<{ status: number; ms: number }>> {
    this.worker.postMessage('stop');
    const acks = await this.done;
    await this.worker.terminate();
    return acks;
  }
}
