import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database, Queryable } from '../database/database';
import { fromUnix } from '../aircall/aircall-time';
import type { AircallCall } from '../aircall/aircall-types';
import { RowToWrite } from '../database/table';
import { CALL_MEDIA } from './call-tables';

/** The media a call can carry, and the field of the Call object holding each one's link. */
export const MEDIA_KINDS = [
  { kind: 'recording', field: 'recording' },
  { kind: 'voicemail', field: 'voicemail' },
] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number]['kind'];

/** The row of media just seen on a call: due for download now, nothing stored yet. */
export function pendingMediaRow(
  accountId: string,
  callId: string,
  kind: MediaKind,
  callStartedAt: Date | null,
  now: Date,
): RowToWrite<typeof CALL_MEDIA> {
  return {
    accountId,
    callId,
    kind,
    status: 'pending',
    callStartedAt,
    storageKey: null,
    sizeBytes: null,
    durationSeconds: null,
    contentType: null,
    sha256: null,
    archivedAt: null,
    attempts: 0,
    refreshes: 0,
    nextAttemptAt: now,
    lastError: null,
    claimedBy: null,
    claimedUntil: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** A call whose snapshot the calls table now holds. */
export interface MediaSnapshot {
  accountId: string;
  call: AircallCall;
}

/**
 * Keeps `call_media` in step with the calls written, when RECORDINGS=archive: a call that gained a
 * link gets a pending row (the archiver downloads it); a row whose link had expired before it could be
 * fetched becomes pending again with the fresh link; a link missing from a newer snapshot turns the
 * row to `checking`: the archiver asks Aircall (GET /v1/calls/:id) and deletes the file only when the
 * call really has none any more, because a `call.ended` can arrive after `call.comm_assets_generated`
 * without the links (docs/aircall-behaviour.md §11). Set-based: at most five statements per batch, in
 * the caller's transaction.
 */
@Injectable()
export class CallMediaTracker {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
  ) {}

  get enabled(): boolean {
    return this.config.RECORDINGS === 'archive';
  }

  async track(runner: Queryable, written: readonly MediaSnapshot[]): Promise<void> {
    if (!this.enabled || written.length === 0) return;
    const now = new Date();
    const inserts: unknown[][] = [];
    const gained: Array<readonly [string, string, MediaKind]> = [];
    const lost: Array<readonly [string, string, MediaKind]> = [];
    for (const { accountId, call } of written) {
      const callId = String(call.id);
      for (const { kind, field } of MEDIA_KINDS) {
        const link = call[field];
        if (typeof link === 'string' && link.length > 0) {
          gained.push([accountId, callId, kind]);
          inserts.push(
            CALL_MEDIA.values(
              this.db,
              pendingMediaRow(accountId, callId, kind, fromUnix(call.started_at), now),
            ),
          );
          // Only an explicit null says the file is gone; a payload without the field says nothing.
        } else if (link === null) lost.push([accountId, callId, kind]);
      }
    }
    if (inserts.length > 0)
      await this.db.upsert(
        CALL_MEDIA.name,
        CALL_MEDIA.columns,
        inserts,
        ['account_id', 'call_id', 'kind'],
        [],
        runner,
      );
    await this.transition(runner, gained, ['expired'], 'pending', now);
    await this.transition(runner, lost, ['pending', 'archived', 'failed', 'expired'], 'checking', now);
  }

  /** Moves the rows of `keys` that are in one of `from` to `to`, due now. */
  private async transition(
    runner: Queryable,
    keys: ReadonlyArray<readonly [string, string, MediaKind]>,
    from: readonly string[],
    to: string,
    now: Date,
  ): Promise<void> {
    for (const { kind } of MEDIA_KINDS) {
      const ofKind = keys.filter((key) => key[2] === kind).map(([account, call]) => [account, call] as const);
      if (ofKind.length === 0) continue;
      const where = this.db.keysIn('account_id', 'call_id', ofKind);
      await this.db.execute(
        `UPDATE call_media SET status = ?, attempts = 0, next_attempt_at = ?, last_error = NULL, updated_at = ?
          WHERE kind = ? AND status IN (${from.map(() => '?').join(', ')}) AND (${where.sql})`,
        [to, this.db.date(now), this.db.date(now), kind, ...from, ...where.params],
        runner,
      );
    }
  }
}
