import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * GET /metrics — Prometheus text exposition format. No API key: scrape it from the internal network
 * only. Answers even when the database is down (aircall_database_up then reads 0).
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const body = await this.metrics.render();
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).type(this.metrics.contentType).send(body);
  }
}
