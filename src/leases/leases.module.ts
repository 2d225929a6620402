import { Module } from '@nestjs/common';
import { LeaseService } from './lease.service';

/** Expiring database leases: one instance at a time for scheduled and per-account work. */
@Module({
  providers: [LeaseService],
  exports: [LeaseService],
})
export class LeasesModule {}
