import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SyncRunnerModule } from '../sync/sync.module';

/**
 * What the admin CLI runs on: the service's own modules for keys, accounts and running a sync, on
 * the same database, without the HTTP server, the inbox processor or any schedule.
 */
@Module({})
export class AdminCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AdminCliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        ScheduleModule.forRoot(),
        MetricsModule,
        AuthModule,
        AccountsModule,
        SyncRunnerModule,
      ],
    };
  }
}
