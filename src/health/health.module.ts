import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AircallModule } from '../aircall/aircall.module';
import { RecordingsModule } from '../recordings/recordings.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsCollectors } from './metrics-collectors';
import { OperationalReadings } from './operational-readings';

/**
 * GET /health (HealthController → HealthService), the bounded operational reads it shares with the
 * /metrics gauges (OperationalReadings), and the collectors refreshing those gauges at scrape time.
 */
@Module({
  imports: [AircallModule, TerminusModule, RecordingsModule],
  controllers: [HealthController],
  providers: [OperationalReadings, HealthService, MetricsCollectors],
  exports: [OperationalReadings],
})
export class HealthModule {}
