/** Raised when a health or metrics read takes longer than HEALTH_TIMEOUT_MS. */
export class ProbeTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

/**
 * Resolves like `work`, or rejects after `ms`: a probe must answer fast even when the database hangs
 * (a load balancer's health check gives up after a few seconds and would count a slow answer as down).
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(what, ms)), ms);
    timer.unref();
  });
  // The losing query may still fail later; its rejection is handled here so it is never "unhandled".
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
