import { DynamicModule, Global, Module } from '@nestjs/common';
import { ForwardingMetrics } from './forwarding-metrics';
import { GcMetrics } from './gc-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * The process-wide metrics registry (MetricsService, with prom-client's default process metrics):
 * every module records into it, and modules that own a reading register a collector refreshed at
 * scrape time (the health module's database, inbox and Aircall client gauges). GET /metrics
 * (MetricsController) renders it.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: MetricsService,
      useFactory: () => {
        const metrics = new MetricsService();
        metrics.collectDefaultMetrics();
        return metrics;
      },
    },
    GcMetrics,
  ],
  exports: [MetricsService],
})
export class MetricsModule {
  /**
   * In a worker thread: a registry whose updates go to the main thread's (ForwardingMetrics), and
   * the thread's own GC readings. No GET /metrics there.
   */
  static forwardingToParentThread(): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [],
      providers: [ForwardingMetrics, { provide: MetricsService, useExisting: ForwardingMetrics }, GcMetrics],
      exports: [MetricsService, ForwardingMetrics],
    };
  }
}
