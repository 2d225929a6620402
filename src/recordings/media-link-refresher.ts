import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { AircallClient } from '../aircall/aircall-client';
import { AircallNotFoundError } from '../aircall/aircall-errors';
import type { AircallCall } from '../aircall/aircall-types';
import { API_SNAPSHOT_SOURCE } from '../aircall/state-version';
import { CallUpserter } from '../calls/call-upserter';
import type { MediaKind } from '../calls/call-media-tracker';
import { Database } from '../database/database';
import { MetricsService } from '../metrics/metrics.service';

/** What Aircall says of a call's media now. */
export type RefreshedLink = { link: string | null; call: AircallCall } | { gone: true };

/**
 * Asks Aircall for a call again (`GET /v1/calls/:id`) to mint fresh media links, and stores the
 * answer like any API read, so the calls table and its media rows follow. `background` requests only
 * use the company's rate budget the sync leaves (AircallRateLimiter); a reader waiting in GraphQL
 * asks in the foreground.
 */
@Injectable()
export class MediaLinkRefresher {
  constructor(
    private readonly accounts: AccountsService,
    private readonly aircall: AircallClient,
    private readonly upserter: CallUpserter,
    private readonly db: Database,
    private readonly metrics: MetricsService,
  ) {}

  async refresh(
    accountId: string,
    callId: string,
    kind: MediaKind,
    priority: 'normal' | 'background',
  ): Promise<RefreshedLink> {
    const credentials = await this.accounts.credentialsFor(accountId);
    this.metrics.inc('aircall_recording_link_refreshes_total', 'Calls re-read for a fresh recording link', {
      priority,
    });
    let answer: { call: AircallCall; serverTime: Date };
    try {
      answer = await this.aircall.getCall(credentials, callId, priority);
    } catch (error) {
      // Deleted at Aircall, or older than the history it serves.
      if (error instanceof AircallNotFoundError) return { gone: true };
      throw error;
    }
    await this.db.transaction((m) =>
      this.upserter.apply(m, [
        { accountId, call: answer.call, source: API_SNAPSHOT_SOURCE, at: answer.serverTime },
      ]),
    );
    const link = answer.call[kind];
    return { link: typeof link === 'string' && link.length > 0 ? link : null, call: answer.call };
  }
}
