import { Injectable } from '@nestjs/common';
import type { AircallCall, AircallUser } from '../aircall/aircall-types';
import { Database, Queryable } from '../database/database';
import {
  contactRecord,
  numberRecord,
  tagRecord,
  teamRecord,
  userRecord,
} from '../directory/directory-records';
import { compareIds, DirectorySnapshot, DirectoryUpserter } from '../directory/directory-upserter';
import { RowToWrite } from '../database/table';
import { CALL_COMMENTS, CALL_TAGS, CALL_TEAMS, CALLS } from './call-tables';
import { callColumns, callComments, callTags, callTeamIds } from './call-record';
import { fromUnix } from '../aircall/aircall-time';
import { CallMediaTracker } from './call-media-tracker';
import { newestByKey, NewestSnapshot, stateVersion } from '../aircall/state-version';

/** One full Call object as Aircall described it at `at` — from a webhook event or an API read. */
export interface CallSnapshot {
  accountId: string;
  call: AircallCall;
  /** The webhook event name (`call.tagged`…) or 'api' for the batch sync. */
  source: string;
  /** Envelope timestamp for events; the API response's Date for the batch sync. */
  at: Date;
}

export interface UpsertResult {
  /** Calls whose row now holds the snapshot given. */
  written: number;
  /** Snapshots ignored because the stored state was newer (late retry, reordering, duplicate). */
  stale: number;
}

/** The newest snapshot of a call in a batch; its `json` (what the hash is over) is stored as the row's payload. */
type Candidate = NewestSnapshot<CallSnapshot>;

/**
 * The one write path for calls: webhooks and the batch sync both come through here.
 *
 * Per batch: one multi-row upsert of `calls` guarded by (state_version, state_hash) so an older
 * snapshot never overwrites a newer one; one read-back to learn which calls now hold the snapshot
 * given; for those, their teams/tags/comments are replaced (delete + multi-row insert per table);
 * and the users/numbers/teams/tags/contacts the snapshots mention are upserted with the same guard.
 * A constant number of statements whatever the batch size. Run it inside a transaction: on MySQL the
 * upsert's row locks keep the read-back and the child replacement consistent with other instances.
 */
@Injectable()
export class CallUpserter {
  constructor(
    private readonly db: Database,
    private readonly directory: DirectoryUpserter,
    private readonly media: CallMediaTracker,
  ) {}

  async apply(runner: Queryable, snapshots: readonly CallSnapshot[]): Promise<UpsertResult> {
    if (snapshots.length === 0) return { written: 0, stale: 0 };
    // Within the batch, keep only the newest snapshot of each call.
    const candidates = newestByKey(
      snapshots,
      (snapshot) => `${snapshot.accountId}:${snapshot.call.id}`,
      (snapshot) => stateVersion(snapshot.at, snapshot.source),
      (snapshot) => snapshot.call,
    ).sort((a, b) =>
      a.item.accountId === b.item.accountId
        ? compareIds(String(a.item.call.id), String(b.item.call.id))
        : compareIds(a.item.accountId, b.item.accountId),
    );

    // Every snapshot feeds the directory (not only each call's newest): an object may appear only in an older one.
    await this.directory.apply(runner, this.directorySnapshots(snapshots));

    const now = new Date();
    await this.db.upsertVersioned(
      CALLS.name,
      CALLS.columns,
      candidates.map((c) => CALLS.values(this.db, callRow(c, now))),
      ['account_id', 'id'],
      runner,
    );

    const winners = await this.winners(runner, candidates);
    await this.replaceChildren(runner, winners);
    await this.media.track(
      runner,
      winners.map((w) => w.item),
    );
    return { written: winners.length, stale: snapshots.length - winners.length };
  }

  /** Candidates whose snapshot the calls table now holds (lost ones were older than what is stored). */
  private async winners(runner: Queryable, candidates: readonly Candidate[]): Promise<Candidate[]> {
    const stored = new Map<string, string>();
    const chunk = 500;
    for (let i = 0; i < candidates.length; i += chunk) {
      const part = candidates.slice(i, i + chunk);
      const keys = this.db.keysIn(
        'account_id',
        'id',
        part.map((c) => [c.item.accountId, String(c.item.call.id)] as const),
      );
      const rows = await this.db.query<{
        account_id: unknown;
        id: unknown;
        state_hash: string;
        state_version: unknown;
      }>(
        `SELECT account_id, id, state_version, state_hash FROM calls WHERE ${keys.sql}`,
        keys.params,
        runner,
      );
      for (const r of rows)
        stored.set(`${String(r.account_id)}:${String(r.id)}`, `${String(r.state_version)}:${r.state_hash}`);
    }
    return candidates.filter(
      (c) => stored.get(`${c.item.accountId}:${c.item.call.id}`) === `${c.version}:${c.hash}`,
    );
  }

  private async replaceChildren(runner: Queryable, winners: readonly Candidate[]): Promise<void> {
    if (winners.length === 0) return;
    const keys = this.db.keysIn(
      'account_id',
      'call_id',
      winners.map((w) => [w.item.accountId, String(w.item.call.id)] as const),
    );
    const teams: unknown[][] = [];
    const tags: unknown[][] = [];
    const comments: unknown[][] = [];
    for (const { item: snapshot } of winners) {
      const { accountId, call } = snapshot;
      const callId = String(call.id);
      // The call's started_at rides along, so a team's or tag's calls are read in index order.
      const startedAt = fromUnix(call.started_at);
      for (const teamId of callTeamIds(call))
        teams.push(CALL_TEAMS.values(this.db, { accountId, callId, teamId, startedAt }));
      for (const tag of callTags(call))
        tags.push(CALL_TAGS.values(this.db, { accountId, callId, ...tag, startedAt }));
      for (const comment of callComments(call))
        comments.push(CALL_COMMENTS.values(this.db, { accountId, callId, ...comment }));
    }
    for (const table of [CALL_TEAMS, CALL_TAGS, CALL_COMMENTS]) {
      await this.db.execute(`DELETE FROM ${table.name} WHERE ${keys.sql}`, keys.params, runner);
    }
    await this.db.upsert(
      CALL_TEAMS.name,
      CALL_TEAMS.columns,
      teams,
      ['account_id', 'call_id', 'team_id'],
      [],
      runner,
    );
    await this.db.upsert(
      CALL_TAGS.name,
      CALL_TAGS.columns,
      tags,
      ['account_id', 'call_id', 'tag_id'],
      [],
      runner,
    );
    await this.db.upsert(
      CALL_COMMENTS.name,
      CALL_COMMENTS.columns,
      comments,
      ['account_id', 'call_id', 'id'],
      [],
      runner,
    );
  }

  /** Every user, number, team, tag and contact the calls mention, versioned like the call itself. */
  private directorySnapshots(snapshots: readonly CallSnapshot[]): DirectorySnapshot[] {
    const out: DirectorySnapshot[] = [];
    for (const snapshot of snapshots) {
      const { call, accountId, at, source } = snapshot;
      const push = (record: DirectorySnapshot['record']) => out.push({ accountId, record, at, source });
      const users: (AircallUser | null | undefined)[] = [
        call.user,
        call.assigned_to,
        call.transferred_by,
        call.transferred_to,
      ];
      for (const tag of call.tags ?? []) users.push(tag.tagged_by);
      for (const comment of call.comments ?? []) users.push(comment.posted_by);
      for (const user of users) if (user && typeof user.id === 'number') push(userRecord(user));
      if (call.number && typeof call.number.id === 'number') push(numberRecord(call.number));
      if (call.contact && typeof call.contact.id === 'number') push(contactRecord(call.contact));
      for (const team of call.teams ?? []) if (typeof team.id === 'number') push(teamRecord(team));
      for (const tag of call.tags ?? []) if (typeof tag.id === 'number') push(tagRecord(tag));
    }
    return out;
  }
}

/** The `calls` row of a batch's newest snapshot of a call. */
function callRow(
  { item: snapshot, version, hash, json: payload }: Candidate,
  now: Date,
): RowToWrite<typeof CALLS> {
  const columns = callColumns(snapshot.call);
  const json = (value: unknown[] | null) => (value === null ? null : JSON.stringify(value));
  return {
    ...columns,
    accountId: snapshot.accountId,
    participants: json(columns.participants),
    ivrOptions: json(columns.ivrOptions),
    payload,
    lastEvent: snapshot.source.slice(0, 64),
    lastEventAt: snapshot.at,
    stateVersion: version,
    stateHash: hash,
    createdAt: now,
    updatedAt: now,
  };
}
