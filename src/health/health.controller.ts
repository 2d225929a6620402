import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service';

/**
 * GET /health — liveness and readiness in one: 200 while the database answers (even when degraded),
 * 503 when it does not or while the process is shutting down. No API key: keep it on the internal
 * network (it names accounts and their sync state, never a secret).
 */
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  async check(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    const healthy = report.status === 'ok' || report.status === 'degraded';
    res.setHeader('Cache-Control', 'no-store');
    res.status(healthy ? 200 : 503).json(report);
  }
}
