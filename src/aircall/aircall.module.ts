import { Module } from '@nestjs/common';
import { AircallClient } from './aircall-client';

/**
 * The Aircall Public API client: credentials, per-company pacing from Aircall's rate-limit headers,
 * retries and typed errors (aircall-errors.ts), typed API objects (aircall-types.ts).
 */
@Module({
  providers: [AircallClient],
  exports: [AircallClient],
})
export class AircallModule {}
