import { Injectable } from '@nestjs/common';
import type { Response } from 'express';

/**
 * The HTTP requests being served right now, so a shutdown can wait for them (an acknowledged webhook
 * must get its 200 out) while refusing new work, and tell keep-alive clients to reconnect elsewhere.
 */
@Injectable()
export class InFlightRequests {
  private readonly active = new Set<Response>();
  private readonly idleWaiters: Array<() => void> = [];
  private draining = false;

  get count(): number {
    return this.active.size;
  }

  /** True once the process started shutting down: /health answers 503 so load balancers stop routing here. */
  get isDraining(): boolean {
    return this.draining;
  }

  track(res: Response): void {
    this.active.add(res);
    // A response started while draining closes its connection, so the client's next request goes to another instance.
    if (this.draining) res.setHeader('Connection', 'close');
    const done = () => {
      if (!this.active.delete(res)) return;
      if (this.active.size === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    };
    res.once('finish', done);
    res.once('close', done);
  }

  /** Starts draining: every response not yet sent will close its connection. */
  beginDraining(): void {
    this.draining = true;
    for (const res of this.active) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
  }

  /** Resolves when no request is in flight, or after `timeoutMs` (returns how many were still running). */
  async idle(timeoutMs: number): Promise<number> {
    if (this.active.size === 0) return 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.active.size;
  }
}
