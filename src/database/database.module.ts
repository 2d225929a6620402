import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { createDataSource } from './database-options';
import { Database } from './database';

/**
 * Opens the database named by DATABASE_URL, applies pending migrations (unless DATABASE_MIGRATE=false)
 * and exposes the DataSource and the dialect-aware Database helper to every module.
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const dataSource = createDataSource(config.DATABASE_URL);
        await dataSource.initialize();
        if (config.DATABASE_MIGRATE) {
          const applied = await dataSource.runMigrations({ transaction: 'each' });
          if (applied.length > 0) new Logger('Database').log(`applied ${applied.length} migration(s)`);
        }
        return dataSource;
      },
    },
    {
      provide: Database,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new Database(dataSource),
    },
  ],
  exports: [DataSource, Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
