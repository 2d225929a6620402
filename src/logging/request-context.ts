import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving one HTTP request carries. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `work` (and everything it awaits or schedules) inside the context of one request, so any
 * logger anywhere in the call chain can stamp its lines with the request id without it being passed
 * down explicitly.
 */
export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The id of the HTTP request being served, or undefined outside of one (cron jobs, the inbox processor). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
