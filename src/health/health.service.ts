import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { isDatabaseUnavailable } from '../database/database';
import { InFlightRequests } from '../http/in-flight-requests';
import { HealthReport, needsAttention } from './health-report';
import { AccountHealth, InboxBacklog, OperationalReadings, RecordingsHealth } from './operational-readings';
import { AppConfig } from '../config/app-config';
import { summarize } from '../recordings/call-media.repository';
import { RecordingArchiver } from '../recordings/recording-archiver';
import { ProbeTimeoutError } from './with-timeout';

/** Why the database is considered down, without any detail (host, user) that belongs in a secret. */
function reasonOf(error: unknown): string {
  if (error instanceof ProbeTimeoutError) return 'timeout';
  if (isDatabaseUnavailable(error)) return 'unavailable';
  return 'error';
}

/**
 * Builds GET /health: the database first (a bounded `SELECT 1`); only when it answers, the inbox
 * backlog and every account's last sync and webhook state. Never throws: a failing part is reported.
 *
 * Terminus' HealthCheckService would answer its own `{status, info, error, details}` body (and its own
 * 503), not the report users rely on, so only its indicator API (HealthIndicatorService) is used here.
 */
@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly readings: OperationalReadings,
    private readonly inFlight: InFlightRequests,
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
    private readonly archiver: RecordingArchiver,
  ) {}

  /** The archive's state; null unless RECORDINGS=archive. */
  private async recordings(): Promise<RecordingsHealth | null> {
    if (this.config.RECORDINGS !== 'archive') return null;
    const { pending, failed, expired, archived, bytesStored } = summarize(
      await this.readings.recordingCounts(),
    );
    return {
      mode: this.config.RECORDINGS,
      storage: this.config.RECORDINGS_STORAGE,
      pending,
      failed,
      expired,
      archived,
      bytesStored,
      downloading: this.archiver.downloading,
      downloadBytesPerSecond: this.archiver.downloadRate(),
    };
  }

  /** The database as a terminus indicator: up with its `SELECT 1` round trip, or down with why. */
  private async database() {
    const indicator = this.indicators.check('database');
    try {
      return indicator.up({ latencyMs: await this.readings.ping() });
    } catch (error) {
      return indicator.down({ error: reasonOf(error) });
    }
  }

  async report(now: Date = new Date()): Promise<HealthReport> {
    const base = {
      checkedAt: now.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
    const { database } = await this.database();
    if (database.status === 'down') {
      return {
        ...base,
        status: this.inFlight.isDraining ? 'shutting_down' : 'unavailable',
        database: { reachable: false, engine: this.readings.engine, latencyMs: null, error: database.error },
        inbox: null,
        accounts: null,
        recordings: null,
      };
    }
    const { latencyMs } = database;
    let inbox: InboxBacklog | null = null;
    let accounts: AccountHealth[] | null = null;
    let recordings: RecordingsHealth | null = null;
    let error: string | null = null;
    try {
      [inbox, accounts, recordings] = await Promise.all([
        this.readings.inboxBacklog(now),
        this.readings.accounts(),
        this.recordings(),
      ]);
    } catch (failure) {
      error = reasonOf(failure);
    }
    return {
      ...base,
      status: this.inFlight.isDraining
        ? 'shutting_down'
        : needsAttention(inbox, accounts, recordings)
          ? 'degraded'
          : 'ok',
      database: {
        reachable: true,
        engine: this.readings.engine,
        latencyMs: Math.round(latencyMs * 10) / 10,
        error,
      },
      inbox,
      accounts,
      recordings,
    };
  }
}
