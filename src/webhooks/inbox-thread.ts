import {
  DynamicModule,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { isMainThread, Worker } from 'node:worker_threads';
import { AccountsStoreModule } from '../accounts/accounts-store.module';
import { CallStoreModule } from '../calls/call-store.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { DirectoryStoreModule } from '../directory/directory-store.module';
import { MetricOp, replayMetricOps } from '../metrics/forwarding-metrics';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { InboxProcessor } from './inbox-processor';
import { processorInThread } from './processor-placement';
import { ThreadPriority } from './thread-priority';
import { WebhookEventApplier } from './webhook-event-applier';
import { WebhookInbox } from './webhook-inbox';
import { startWorkerThread } from '../workers/worker-thread';

/** Messages between the main thread and the processor thread. */
export type ToProcessorThread = { type: 'wake' } | { type: 'stop' };
export type FromProcessorThread =
  | { type: 'ready'; priority: ThreadPriority | null }
  | { type: 'metrics'; ops: MetricOp[] }
  | { type: 'stopped'; ops: MetricOp[] };

/** What the processor thread runs: the config, its own connection pool, and the apply path. */
@Module({})
export class InboxThreadModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InboxThreadModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        MetricsModule.forwardingToParentThread(),
        AccountsStoreModule,
        CallStoreModule,
        DirectoryStoreModule,
      ],
      providers: [WebhookEventApplier, WebhookInbox, InboxProcessor],
    };
  }
}

const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Runs the inbox processor in a worker thread (MySQL, INBOX_PROCESSOR_THREAD): wakes it when
 * deliveries are stored, replays its metrics on this thread's registry, restarts it (with backoff)
 * if it dies, and on shutdown lets it finish its batch and close its pool before the process exits.
 */
@Injectable()
export class InboxThread implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxThread.name);
  private worker: Worker | null = null;
  /** The running thread has started its processor (it answered 'ready'). */
  private ready = false;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private reportedPriority: ThreadPriority | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    inbox: WebhookInbox,
  ) {
    inbox.onStored(() => this.worker?.postMessage({ type: 'wake' } satisfies ToProcessorThread));
  }

  /** The running thread's id and nice value, once it is ready (null before, or where not Linux). */
  get priority(): ThreadPriority | null {
    return this.worker && this.ready ? this.reportedPriority : null;
  }

  /** True while a processor thread is running. */
  get running(): boolean {
    return this.worker !== null;
  }

  onApplicationBootstrap(): void {
    if (isMainThread && processorInThread(this.config)) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    if (!this.ready) {
      // Still loading its modules (as far as this thread has heard): it has nothing to finish. Had a
      // first batch just begun, ending the thread rolls it back and its rows are claimed again.
      await worker.terminate();
      await exited;
      return;
    }
    worker.postMessage({ type: 'stop' } satisfies ToProcessorThread);
    // The thread answers 'stopped' once its batch is committed and its pool closed (then it is ended).
    const deadline = setTimeout(() => void worker.terminate(), this.config.SHUTDOWN_TIMEOUT_MS);
    await exited;
    clearTimeout(deadline);
  }

  private start(): void {
    const worker = startWorkerThread(__filename, 'inbox-worker', {
      workerData: { config: { ...this.config } },
    });
    this.worker = worker;
    this.ready = false;
    worker.on('message', (message: FromProcessorThread) => {
      if (message.type === 'ready') {
        this.ready = true;
        this.restarts = 0;
        this.reportedPriority = message.priority;
        this.logger.debug({ msg: 'inbox processor thread ready', priority: message.priority });
      }
      if (message.type === 'metrics' || message.type === 'stopped')
        replayMetricOps(message.ops, this.metrics);
      if (message.type === 'stopped') void worker.terminate();
    });
    worker.on('error', (error) =>
      this.logger.error({ msg: 'inbox processor thread failed', error: String(error) }),
    );
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (this.stopping) return;
      const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** this.restarts++);
      this.metrics.inc('aircall_inbox_processor_thread_restarts_total', 'Inbox processor threads restarted');
      this.logger.error({ msg: 'inbox processor thread exited; restarting', code, inMs: delay });
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopping) this.start();
      }, delay);
    });
  }
}
