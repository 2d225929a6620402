import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AppConfig, loadConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { AuthModule } from './auth/auth.module';
import { GraphqlModule } from './server/graphql-server.module';
import { OperationsModule } from './operations/operations.module';
import { StatsModule } from './stats/stats.module';
import { AircallModule } from './aircall/aircall.module';
import { CallsModule } from './calls/calls.module';
import { MetricsModule } from './metrics/metrics.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { AccountsModule } from './accounts/accounts.module';
import { OAuthModule } from './oauth/oauth.module';
import { HealthModule } from './health/health.module';
import { HttpModule } from './http/http.module';
import { SyncModule } from './sync/sync.module';
import { ConsoleModule } from './console/console.module';
import { RecordingsModule } from './recordings/recordings.module';

/** The table of contents of the service: one module per layer folder (docs/architecture.md "Code map and layer order"). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        ScheduleModule.forRoot(),
        AuthModule,
        GraphqlModule,
        StatsModule,
        OperationsModule,
        AircallModule,
        CallsModule,
        MetricsModule,
        WebhooksModule,
        AccountsModule,
        OAuthModule,
        HttpModule,
        HealthModule,
        SyncModule,
        RecordingsModule,
        ConsoleModule,
      ],
    };
  }
}
