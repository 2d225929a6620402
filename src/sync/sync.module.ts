import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AircallModule } from '../aircall/aircall.module';
import { CallsModule } from '../calls/calls.module';
import { DirectoryModule } from '../directory/directory.module';
import { LeasesModule } from '../leases/leases.module';
import { CallWindowFetcher } from './call-window-fetcher';
import { LateChangeRereader } from './late-change-rereader';
import { ReferenceSync } from './reference-sync';
import { SyncRunExecutor } from './sync-run-executor';
import { SyncRunsRepository } from './sync-runs.repository';
import { SyncScheduler } from './sync-scheduler';
import { SyncResolver } from './sync.resolver';
import { SyncService } from './sync.service';

/**
 * Running sync runs without deciding when (no cron, no resuming at start): what the admin CLI needs
 * to run one sync and exit.
 */
@Module({
  imports: [AircallModule, AccountsModule, CallsModule, DirectoryModule, LeasesModule],
  providers: [
    SyncRunsRepository,
    ReferenceSync,
    CallWindowFetcher,
    LateChangeRereader,
    SyncRunExecutor,
    SyncService,
  ],
  exports: [SyncService],
})
export class SyncRunnerModule {}

/**
 * Batch sync (docs/architecture.md "Batch sync"): SyncService runs sync_runs under a per-account
 * lease; SyncScheduler starts them (cron, connect, webhook repair, restart); SyncRunExecutor runs one: ReferenceSync, then
 * CallWindowFetcher (windows under the 10,000 cap by SyncWindowPlanner), then LateChangeRereader.
 */
@Module({
  imports: [SyncRunnerModule, AccountsModule],
  providers: [SyncScheduler, SyncResolver],
  exports: [SyncRunnerModule],
})
export class SyncModule {}
