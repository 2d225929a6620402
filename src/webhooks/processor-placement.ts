import { isMainThread } from 'node:worker_threads';
import { AppConfig } from '../config/app-config';
import { dialectOf } from '../database/database-options';

/** True when this instance applies its inbox in a worker thread (see INBOX_PROCESSOR_THREAD). */
export function processorInThread(config: AppConfig): boolean {
  return (
    config.INBOX_PROCESSOR && config.INBOX_PROCESSOR_THREAD && dialectOf(config.DATABASE_URL) === 'mysql'
  );
}

/** True in the thread that must run the processor loop: the worker when there is one, else the main thread. */
export function runsProcessorHere(config: AppConfig): boolean {
  return config.INBOX_PROCESSOR && (processorInThread(config) ? !isMainThread : true);
}
