import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** The process-wide metrics registry; every module records into it, GET /metrics renders it. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
