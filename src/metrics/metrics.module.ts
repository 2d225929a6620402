import { Global, Module } from '@nestjs/common';
import { AircallModule } from '../aircall/aircall.module';
import { HealthModule } from '../health/health.module';
import { GcMetrics } from './gc-metrics';
import { MetricsCollectors } from './metrics-collectors';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * The process-wide metrics registry (MetricsService): every module records into it; GET /metrics
 * (MetricsController) renders it after MetricsCollectors refresh the gauges read from the database,
 * the Aircall client and the process.
 */
@Global()
@Module({
  imports: [HealthModule, AircallModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsCollectors, GcMetrics],
  exports: [MetricsService],
})
export class MetricsModule {}
