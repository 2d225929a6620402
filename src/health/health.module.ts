import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { OperationalReadings } from './operational-readings';

/**
 * GET /health (HealthController → HealthService) and the bounded operational reads it shares with
 * the /metrics gauges (OperationalReadings).
 */
@Module({
  controllers: [HealthController],
  providers: [OperationalReadings, HealthService],
  exports: [OperationalReadings],
})
export class HealthModule {}
