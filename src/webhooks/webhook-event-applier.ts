import { Injectable } from '@nestjs/common';
import type { AircallContact, AircallNumber, AircallUser } from '../aircall/aircall-types';
import { CallSnapshot, CallUpserter } from '../calls/call-upserter';
import { Queryable } from '../database/database';
import { contactRecord, DirectoryRecord, numberRecord, userRecord } from '../directory/directory-records';
import { DirectorySnapshot, DirectoryUpserter } from '../directory/directory-upserter';
import { asCall, callPayloadProblem, directoryPayloadProblem } from './webhook-payloads';

export interface InboxRow {
  accountId: string;
  id: string;
  event: string;
  timestamp: number;
  data: unknown;
  attempts: number;
  receivedAt?: Date | null;
}

export interface BatchOutcome {
  applied: InboxRow[];
  skipped: InboxRow[];
  /** Rows whose payload cannot be applied, with the reason (retried with backoff, then failed). */
  rejected: Array<{ row: InboxRow; error: string }>;
}

/** user.created.v2 → user.created: V2 user events carry the same object minus `numbers`. */
const baseEvent = (event: string) => event.replace(/\.v\d+$/, '');

/**
 * Turns inbox rows into writes: call.* events through the CallUpserter (by their full Call object,
 * so any call.* event Aircall adds later is applied too), user/number/contact events through the
 * DirectoryUpserter. Other resources (messages, conversation intelligence…) are kept and skipped.
 */
@Injectable()
export class WebhookEventApplier {
  constructor(
    private readonly calls: CallUpserter,
    private readonly directory: DirectoryUpserter,
  ) {}

  async applyBatch(rows: readonly InboxRow[], runner: Queryable): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { applied: [], skipped: [], rejected: [] };
    const callSnapshots: CallSnapshot[] = [];
    const directorySnapshots: DirectorySnapshot[] = [];
    for (const row of rows) {
      const event = baseEvent(row.event);
      const at = new Date(row.timestamp * 1000);
      const [resource, action] = event.split('.');
      if (resource === 'call') {
        const problem = callPayloadProblem(row.data);
        if (problem) outcome.rejected.push({ row, error: problem });
        else {
          callSnapshots.push({ accountId: row.accountId, call: asCall(row.data), source: event, at });
          outcome.applied.push(row);
        }
        continue;
      }
      const record = this.directoryRecord(resource, action, row.data);
      if (record === undefined) {
        outcome.skipped.push(row);
        continue;
      }
      const problem = directoryPayloadProblem(row.data);
      if (problem || record === null) {
        outcome.rejected.push({ row, error: problem ?? 'unreadable payload' });
        continue;
      }
      directorySnapshots.push({ accountId: row.accountId, record, at, source: event });
      outcome.applied.push(row);
    }
    await this.calls.apply(callSnapshots, runner);
    await this.directory.apply(directorySnapshots, runner);
    return outcome;
  }

  /** undefined: not an event we apply (skip); null: ours but unreadable. */
  private directoryRecord(
    resource: string,
    action: string,
    data: unknown,
  ): DirectoryRecord | null | undefined {
    const deleted = action === 'deleted';
    if (directoryPayloadProblem(data) !== null && ['user', 'number', 'contact'].includes(resource))
      return null;
    switch (resource) {
      case 'user':
        return userRecord(data as AircallUser, deleted);
      case 'number':
        return numberRecord(data as AircallNumber, deleted);
      case 'contact':
        return contactRecord(data as AircallContact, deleted);
      default:
        return undefined;
    }
  }
}
