import { Injectable, OnModuleInit } from '@nestjs/common';
import { AircallClient } from '../aircall/aircall-client';
import { OperationalReadings } from '../health/operational-readings';
import { MetricsService } from './metrics.service';

/**
 * Gauges and totals that live elsewhere, refreshed at scrape time: the database's reachability, the
 * inbox backlog and lag, sync progress, the Aircall client's request/429/retry counts and the process.
 * A part whose query fails (database down) keeps its previous value; aircall_database_up says why.
 */
@Injectable()
export class MetricsCollectors implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly readings: OperationalReadings,
    private readonly aircall: AircallClient,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(() => this.collectDatabase());
    this.metrics.addCollector(() => this.collectAircall());
    this.metrics.addCollector(() => this.collectProcess());
  }

  private async collectDatabase(): Promise<void> {
    const m = this.metrics;
    try {
      const ms = await this.readings.ping();
      m.set(
        'aircall_database_up',
        'Whether the database answered SELECT 1 within HEALTH_TIMEOUT_MS (1) or not (0)',
        1,
      );
      m.set('aircall_database_ping_ms', 'Round trip of SELECT 1, in milliseconds', Math.round(ms * 10) / 10);
    } catch {
      m.set(
        'aircall_database_up',
        'Whether the database answered SELECT 1 within HEALTH_TIMEOUT_MS (1) or not (0)',
        0,
      );
      return;
    }
    const [inbox, sync] = await Promise.all([this.readings.inboxBacklog(), this.readings.syncProgress()]);
    m.set('aircall_inbox_pending', 'Webhook events stored but not yet applied', inbox.pending);
    m.set(
      'aircall_inbox_failed',
      'Webhook events parked as failed after their retries (replayable)',
      inbox.failed,
    );
    m.set(
      'aircall_inbox_lag_seconds',
      'Age of the oldest pending webhook event, in seconds (0 when none)',
      Math.round(inbox.oldestPendingAgeSeconds * 1000) / 1000,
    );
    m.set('aircall_sync_runs', 'Sync runs by status (queued, running)', sync.queuedRuns, {
      status: 'queued',
    });
    m.set('aircall_sync_runs', 'Sync runs by status (queued, running)', sync.runningRuns, {
      status: 'running',
    });
    m.set(
      'aircall_sync_running_calls_fetched',
      'Calls fetched from Aircall so far by the sync runs in progress',
      sync.runningCallsFetched,
    );
    m.set(
      'aircall_sync_running_calls_written',
      'Calls written to the database so far by the sync runs in progress',
      sync.runningCallsWritten,
    );
  }

  private async collectAircall(): Promise<void> {
    const stats = this.aircall.stats;
    this.metrics.setTotal(
      'aircall_api_requests_total',
      'HTTP requests sent to the Aircall API by this process, retries included',
      stats.requests,
    );
    this.metrics.setTotal(
      'aircall_api_rate_limited_total',
      'HTTP 429 answers received from the Aircall API by this process',
      stats.rateLimited,
    );
    this.metrics.setTotal(
      'aircall_api_retries_total',
      'Aircall API requests sent again after a failure or a 429',
      stats.retries,
    );
  }

  private async collectProcess(): Promise<void> {
    const memory = process.memoryUsage();
    this.metrics.set(
      'process_uptime_seconds',
      'Seconds since this process started',
      Math.round(process.uptime()),
    );
    this.metrics.set(
      'process_resident_memory_bytes',
      'Resident memory of this process, in bytes',
      memory.rss,
    );
    this.metrics.set('nodejs_heap_used_bytes', 'V8 heap in use, in bytes', memory.heapUsed);
  }
}
