import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { AircallClient } from '../aircall/aircall-client';
import { AppConfig } from '../config/app-config';
import { OperationalReadings } from './operational-readings';
import { msLate } from '../metrics/loop-delay';
import { MetricsService } from '../metrics/metrics.service';

const LOOP_DELAY_RESOLUTION_MS = 10;

/**
 * Gauges and totals that live elsewhere, refreshed at scrape time: the database's reachability, the
 * inbox backlog and lag, sync progress, the Aircall client's request/429/retry counts and the process
 * (memory, and the main event loop's delay since the previous scrape: what a webhook waits before its
 * handler even starts). A part whose query fails (database down) keeps its previous value;
 * aircall_database_up says why.
 */
@Injectable()
export class MetricsCollectors implements OnModuleInit, OnModuleDestroy {
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({
    resolution: LOOP_DELAY_RESOLUTION_MS,
  });

  constructor(
    private readonly metrics: MetricsService,
    private readonly readings: OperationalReadings,
    private readonly aircall: AircallClient,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(() => this.collectDatabase());
    this.metrics.addCollector(() => this.collectAircall());
    this.metrics.addCollector(() => this.collectProcess());
    this.loopDelay.enable();
  }

  onModuleDestroy(): void {
    this.loopDelay.disable();
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
      'aircall_inbox_quarantined',
      'Webhook events kept but not usable as they are (see webhookEvents; replayable after an upgrade)',
      inbox.quarantined,
    );
    m.set(
      'aircall_inbox_lag_seconds',
      'Age of the oldest pending webhook event, in seconds (0 when none)',
      Math.round(inbox.oldestPendingAgeSeconds * 1000) / 1000,
    );
    if (this.config.RECORDINGS === 'archive') {
      const counts = await this.readings.recordingCounts();
      for (const status of ['pending', 'checking', 'archived', 'failed', 'expired', 'deleted'])
        m.set(
          'aircall_recordings',
          'Recordings and voicemails of the archive by status',
          counts.byStatus[status] ?? 0,
          {
            status,
          },
        );
      m.set(
        'aircall_recordings_stored_bytes',
        'Bytes of the archived recordings and voicemails',
        counts.bytesStored,
      );
    }
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
    // process_resident_memory_bytes comes with prom-client's default metrics (MetricsModule).
    this.metrics.set(
      'process_uptime_seconds',
      'Seconds since this process started',
      Math.round(process.uptime()),
    );
    this.metrics.set('nodejs_heap_used_bytes', 'V8 heap in use, in bytes', process.memoryUsage().heapUsed);
    // Reset at each scrape: each reading covers the time since the previous one.
    const delay = this.loopDelay;
    const seconds = (ns: number) => Math.round(msLate(ns, LOOP_DELAY_RESOLUTION_MS) * 1000) / 1e6;
    const help = (what: string) =>
      `${what} delay of the main event loop since the previous scrape, in seconds (sampled every ${LOOP_DELAY_RESOLUTION_MS} ms)`;
    this.metrics.set('nodejs_eventloop_delay_p50_seconds', help('Median'), seconds(delay.percentile(50)));
    this.metrics.set(
      'nodejs_eventloop_delay_p99_seconds',
      help('99th percentile'),
      seconds(delay.percentile(99)),
    );
    this.metrics.set('nodejs_eventloop_delay_max_seconds', help('Largest'), seconds(delay.max));
    delay.reset();
  }
}
