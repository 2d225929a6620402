import { Injectable } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository';
import { INTEGRATION_DELETED } from '../aircall/aircall-events';
import type { AircallContact, AircallNumber, AircallUser } from '../aircall/aircall-types';
import { CallSnapshot, CallUpserter } from '../calls/call-upserter';
import { Queryable } from '../database/database';
import { contactRecord, DirectoryRecord, numberRecord, userRecord } from '../directory/directory-records';
import { DirectorySnapshot, DirectoryUpserter } from '../directory/directory-upserter';
import { EnvelopeError, parseEnvelope, WebhookEnvelope } from './webhook-envelope';
import { asCall, callPayloadProblem, directoryPayloadProblem } from './webhook-payloads';

export interface InboxRow {
  accountId: string;
  id: string;
  event: string;
  timestamp: number;
  data: unknown;
  attempts: number;
  receivedAt?: Date | null;
  /** The stored body of a delivery quarantined at intake (its envelope could not be read), else null. */
  raw?: string | null;
  /** Set when `raw` reads as a valid envelope now: the row is rewritten with it. */
  reread?: WebhookEnvelope;
}

export interface BatchOutcome {
  applied: InboxRow[];
  skipped: InboxRow[];
  /** Rows the service cannot use as they are: kept with the reason until replayed after an upgrade. */
  quarantined: Array<{ row: InboxRow; reason: string }>;
}

/** user.created.v2 → user.created: V2 user events carry the same object minus `numbers`. */
const baseEvent = (event: string) => event.replace(/\.v\d+$/, '');

/** Reads a quarantined body again, with what this version of the service accepts. */
function reread(raw: string): WebhookEnvelope | string {
  try {
    const body: unknown = JSON.parse(raw);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return 'the body is not a JSON object';
    // The token was checked when the delivery was stored (and is not kept): any string stands in for it.
    return parseEnvelope({ ...(body as Record<string, unknown>), token: 'stored' });
  } catch (error) {
    return error instanceof EnvelopeError ? error.message : 'the stored body is not JSON';
  }
}

/**
 * Turns inbox rows into writes: call.* events through the CallUpserter (by their full Call object,
 * so any call.* event Aircall adds later is applied too), user/number/contact events through the
 * DirectoryUpserter, `integration.deleted` by marking the account uninstalled. Every other event
 * (messages, conversation intelligence, AI voice agents…) is kept as `skipped` for a later version
 * to replay. A payload the service cannot store is quarantined with its reason, never retried blindly.
 */
@Injectable()
export class WebhookEventApplier {
  constructor(
    private readonly calls: CallUpserter,
    private readonly directory: DirectoryUpserter,
    private readonly accounts: AccountsRepository,
  ) {}

  async applyBatch(runner: Queryable, rows: readonly InboxRow[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { applied: [], skipped: [], quarantined: [] };
    const callSnapshots: CallSnapshot[] = [];
    const directorySnapshots: DirectorySnapshot[] = [];
    for (const row of rows) {
      let { event, timestamp, data } = row;
      if (row.raw !== null && row.raw !== undefined) {
        const envelope = reread(row.raw);
        if (typeof envelope === 'string') {
          outcome.quarantined.push({ row, reason: envelope });
          continue;
        }
        row.reread = envelope;
        ({ event, timestamp, data } = envelope);
      }
      const at = new Date(timestamp * 1000);
      const name = baseEvent(event);
      const dot = name.indexOf('.');
      const resource = dot < 0 ? name : name.slice(0, dot);
      const action = dot < 0 ? '' : name.slice(dot + 1);
      if (resource === 'call') {
        const problem = callPayloadProblem(data, timestamp);
        if (problem) outcome.quarantined.push({ row, reason: problem });
        else {
          callSnapshots.push({ accountId: row.accountId, call: asCall(data), source: name, at });
          outcome.applied.push(row);
        }
        continue;
      }
      if (event === INTEGRATION_DELETED) {
        const problem = await this.uninstall(runner, row.accountId, data, at);
        if (problem === 'skipped') outcome.skipped.push(row);
        else if (problem) outcome.quarantined.push({ row, reason: problem });
        else outcome.applied.push(row);
        continue;
      }
      if (!DIRECTORY_RESOURCES.has(resource)) {
        outcome.skipped.push(row);
        continue;
      }
      const problem = directoryPayloadProblem(data);
      if (problem) {
        outcome.quarantined.push({ row, reason: problem });
        continue;
      }
      const record = directoryRecord(resource, action === 'deleted', data);
      directorySnapshots.push({ accountId: row.accountId, record, at, source: name });
      outcome.applied.push(row);
    }
    await this.calls.apply(runner, callSnapshots);
    await this.directory.apply(runner, directorySnapshots);
    return outcome;
  }

  /**
   * The OAuth app was uninstalled (https://developer.aircall.io/api-references/, docs/aircall-behaviour.md
   * §2): the account stops syncing and forgets its token until it is installed again. Null when done,
   * 'skipped' for an account that is not an OAuth install, or the reason it cannot be applied.
   */
  private async uninstall(
    runner: Queryable,
    accountId: string,
    data: unknown,
    at: Date,
  ): Promise<string | null> {
    const account = await this.accounts.findById(runner, accountId);
    if (!account || account.authType !== 'oauth') return 'skipped';
    const companyId = (data as { company_id?: unknown } | null)?.company_id;
    if (account.aircallCompanyId !== null && String(companyId) !== account.aircallCompanyId)
      return `integration.deleted names company ${String(companyId)}, not this account's ${account.aircallCompanyId}`;
    await this.accounts.saveUninstalled(
      runner,
      accountId,
      `the Aircall app was uninstalled at ${at.toISOString()}; install it again to resume`,
    );
    return null;
  }
}

/** Resources whose events carry a directory object (user V1 and V2, number, contact). */
const DIRECTORY_RESOURCES: ReadonlySet<string> = new Set(['user', 'number', 'contact']);

function directoryRecord(resource: string, deleted: boolean, data: unknown): DirectoryRecord {
  if (resource === 'user') return userRecord(data as AircallUser, deleted);
  if (resource === 'number') return numberRecord(data as AircallNumber, deleted);
  return contactRecord(data as AircallContact, deleted);
}
