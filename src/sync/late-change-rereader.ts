import { Injectable } from '@nestjs/common';
import { AircallClient } from '../aircall/aircall-client';
import { AircallCredentials } from '../aircall/aircall-credentials';
import { AircallNotFoundError } from '../aircall/aircall-errors';
import { CallSnapshot, CallUpserter } from '../calls/call-upserter';
import { API_SNAPSHOT_SOURCE } from '../aircall/state-version';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { RunControl } from './sync-control';
import { SyncRun } from './sync-run';
import { SyncRunsRepository } from './sync-runs.repository';

const HOUR_MS = 3_600_000;
/** Aircall serves about six months of calls (docs/aircall-behaviour.md §10): older ones cannot be re-read. */
const HISTORY_MS = 183 * 24 * HOUR_MS;
const WRITE_EVERY = 25;

/**
 * Calls whose stored state is probably not their last: still not `done` an hour after they started (the
 * `call.ended` event never arrived), or whose latest applied webhook payload looks incomplete (`done`
 * without `ended_at`, `call.ended` without `duration`). Each is re-read with `GET /v1/calls/:id`, at most
 * SYNC_REREAD_LIMIT per run (the requests come out of the same rate budget), newest first.
 */
@Injectable()
export class LateChangeRereader {
  constructor(
    private readonly aircall: AircallClient,
    private readonly upserter: CallUpserter,
    private readonly runs: SyncRunsRepository,
    private readonly db: Database,
    private readonly config: AppConfig,
  ) {}

  /** Ids of the calls to re-read for the account (bounded by `limit`). */
  async candidates(
    accountId: string,
    listed: { from: Date; to: Date },
    limit: number,
    now = new Date(),
  ): Promise<string[]> {
    if (limit <= 0) return [];
    const rows = await this.db.query<{ id: unknown }>(
      `SELECT CAST(id AS CHAR) AS id FROM calls
        WHERE account_id = ? AND started_at >= ?
          AND (
            ((status IS NULL OR status <> 'done') AND started_at < ?)
            OR (status = 'done' AND ended_at IS NULL)
            OR (last_event = 'call.ended' AND duration IS NULL)
          )
          AND NOT (started_at >= ? AND started_at <= ?)
        ORDER BY started_at DESC, id DESC
        LIMIT ${Math.floor(limit)}`,
      [
        accountId,
        this.db.date(now.getTime() - HISTORY_MS),
        this.db.date(now.getTime() - HOUR_MS),
        // Calls the run's own window just listed are as fresh as a read by id would make them.
        this.db.date(listed.from),
        this.db.date(listed.to),
      ],
    );
    return rows.map((row) => String(row.id));
  }

  async run(run: SyncRun, credentials: AircallCredentials, control: RunControl): Promise<void> {
    const ids = await this.candidates(
      run.accountId,
      { from: run.windowFrom!, to: run.windowTo! },
      this.config.SYNC_REREAD_LIMIT,
    );
    let batch: CallSnapshot[] = [];
    for (const id of ids) {
      control.check();
      run.requestsMade += 1;
      try {
        const { call, serverTime } = await this.aircall.getCall(credentials, id);
        run.callsFetched += 1;
        batch.push({ accountId: run.accountId, call, source: API_SNAPSHOT_SOURCE, at: serverTime });
      } catch (error) {
        // Deleted at Aircall or gone out of its history: keep what is stored (never delete what the API stopped returning).
        if (!(error instanceof AircallNotFoundError)) throw error;
      }
      if (batch.length >= WRITE_EVERY) {
        await this.write(run, batch, control);
        batch = [];
      }
    }
    await this.write(run, batch, control);
  }

  private async write(run: SyncRun, batch: CallSnapshot[], control: RunControl): Promise<void> {
    if (batch.length === 0) return;
    const written = run.callsWritten;
    try {
      await this.db.transaction(async (m) => {
        await control.fence(m);
        run.callsWritten = written + (await this.upserter.apply(m, batch)).written;
        await this.runs.saveProgress(m, run);
      });
    } catch (error) {
      run.callsWritten = written;
      throw error;
    }
  }
}
