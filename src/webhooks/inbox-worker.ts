import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parentPort, workerData } from 'node:worker_threads';
import { AppConfig } from '../config/app-config';
import { JsonLogger } from '../logging/json-logger';
import { InboxProcessor } from './inbox-processor';
import { lowerThreadPriority } from './thread-priority';
import { ForwardingMetrics } from '../metrics/forwarding-metrics';
import { FromProcessorThread, InboxThreadModule, ToProcessorThread } from './inbox-thread';
import { runWorkerThread } from '../workers/worker-thread';

/**
 * Entry point of the inbox processor thread (started by InboxThread). It gets the main thread's
 * validated configuration, opens its own pool (migrations already ran on the main thread), and runs
 * the same InboxProcessor the main thread runs on SQLite.
 */
async function main(): Promise<void> {
  const port = parentPort!;
  const config = Object.assign(new AppConfig(), (workerData as { config: AppConfig }).config, {
    DATABASE_MIGRATE: false,
  });
  // Before anything runs here: when the cores are busy, the main thread's acknowledgements go first.
  const priority = config.INBOX_PROCESSOR_NICE > 0 ? lowerThreadPriority(config.INBOX_PROCESSOR_NICE) : null;
  const app = await NestFactory.createApplicationContext(InboxThreadModule.forRoot(config), {
    logger: new JsonLogger(config.LOG_LEVEL),
  });
  const processor = app.get(InboxProcessor);
  const metrics = app.get(ForwardingMetrics);
  port.on('message', (message: ToProcessorThread) => {
    if (message.type === 'wake') processor.wake();
    if (message.type === 'stop') {
      void app.close().then(() => {
        metrics.stop();
        port.postMessage({ type: 'stopped', ops: metrics.take() } satisfies FromProcessorThread);
      });
    }
  });
  port.postMessage({ type: 'ready', priority } satisfies FromProcessorThread);
}

runWorkerThread('InboxThread', 'inbox processor thread', main);
