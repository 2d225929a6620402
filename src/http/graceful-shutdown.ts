import { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import { InFlightRequests } from './in-flight-requests';

export interface ShutdownOptions {
  /** Budget for in-flight requests and then for the application's own shutdown hooks, each. */
  timeoutMs: number;
  logger: LoggerService;
  /** How the process ends; replaced in tests. */
  exit?: (code: number) => void;
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (a webhook that is being
 * stored still gets its 200 — or its 503 — out), then close the application: Nest's shutdown hooks
 * stop the inbox processor after its current batch, let scheduled work finish and release its
 * leases, and close the database last. A second signal, or a stage overrunning its budget, ends the
 * process at once: whatever was not acknowledged is retried by Aircall, whatever was claimed but not
 * committed is rolled back and claimed again by another instance.
 */
export class GracefulShutdown {
  private stopping: Promise<void> | null = null;
  private readonly exit: (code: number) => void;

  constructor(
    private readonly app: INestApplication,
    private readonly options: ShutdownOptions,
  ) {
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  install(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    for (const signal of signals) {
      process.on(signal, () => {
        if (this.stopping) {
          this.options.logger.warn({ msg: 'second signal during shutdown: exiting now', signal }, 'Shutdown');
          this.exit(1);
          return;
        }
        void this.shutdown(signal);
      });
    }
  }

  shutdown(signal: string): Promise<void> {
    this.stopping ??= this.run(signal);
    return this.stopping;
  }

  private async run(signal: string): Promise<void> {
    const { logger, timeoutMs } = this.options;
    const started = Date.now();
    // Backstop: whatever hangs, the process is gone well before an orchestrator's SIGKILL would land mid-write.
    const backstop = setTimeout(
      () => {
        logger.error({ msg: 'shutdown overran its budget: exiting', ms: Date.now() - started }, 'Shutdown');
        this.exit(1);
      },
      2 * timeoutMs + 1000,
    );
    backstop.unref();
    try {
      const inFlight = this.app.get(InFlightRequests, { strict: false });
      const server = this.app.getHttpServer() as Server;
      logger.log(
        {
          msg: 'shutting down: no new connections, finishing in-flight requests',
          signal,
          inFlight: inFlight.count,
        },
        'Shutdown',
      );
      inFlight.beginDraining();
      server.close();
      // Node 20's close() drops idle keep-alive sockets once; responses finishing later send `Connection: close`.
      server.closeIdleConnections();
      const unfinished = await inFlight.idle(timeoutMs);
      if (unfinished > 0)
        logger.warn(
          { msg: 'in-flight requests did not finish in time; closing their connections', unfinished },
          'Shutdown',
        );
      server.closeAllConnections();
      await this.app.close();
      logger.log({ msg: 'shutdown complete', ms: Date.now() - started }, 'Shutdown');
      clearTimeout(backstop);
      this.exit(0);
    } catch (error) {
      logger.error(
        { msg: 'shutdown failed', error: error instanceof Error ? error.message : String(error) },
        'Shutdown',
      );
      clearTimeout(backstop);
      this.exit(1);
    }
  }
}
