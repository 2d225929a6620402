import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving one HTTP request carries. */
export interface RequestContext {
  requestId: string;
}

/** A request's logging context, open until `release` (called once its response has ended). */
export interface OpenRequestContext {
  /** Runs `work` (and everything it awaits or schedules) inside the context. */
  run<T>(work: () => T): T;
  release(): void;
}

const storage = new AsyncLocalStorage<RequestContext>();
let open = 0;

/**
 * Opens the logging context of one request, so any logger anywhere in the call chain can stamp its
 * lines with the request id without it being passed down explicitly.
 *
 * On Node 20, AsyncLocalStorage runs a hook for every promise of the process while the storage is
 * enabled, a large share of a GraphQL page's latency. So the storage is enabled only while at
 * least one request with a context is in flight: the last `release` disables it again. The high-volume
 * routes (webhook deliveries, GraphQL queries) open no context and stamp their own lines with their id.
 */
export function openRequestContext(context: RequestContext): OpenRequestContext {
  open++;
  let released = false;
  return {
    run: <T>(work: () => T): T => storage.run(context, work),
    release: () => {
      if (released) return;
      released = true;
      open--;
      if (open === 0) storage.disable();
    },
  };
}

/** Requests whose context is open: none means no promise hook is running. */
export function openRequestContexts(): number {
  return open;
}

/** The id of the HTTP request being served, or undefined outside of one (cron jobs, the inbox processor). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
