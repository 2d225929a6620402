import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { createDataSource, dialectOf, POOL_SIZE, sqlitePath } from './database-options';
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
        const mysql = dialectOf(config.DATABASE_URL) === 'mysql';
        // On MySQL every statement gets a client-side time limit, except the migrations' (an ALTER of
        // a large table may take minutes): they run first, on a connection of their own.
        if (mysql && config.DATABASE_MIGRATE)
          await migrate(createDataSource(config.DATABASE_URL, { poolSize: 1 }), true);
        const dataSource = createDataSource(config.DATABASE_URL, {
          queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
        });
        await dataSource.initialize();
        // SQLite (an in-memory database is private to its connection): on the service's own.
        if (!mysql && config.DATABASE_MIGRATE) await migrate(dataSource, false);
        return dataSource;
      },
    },
    {
      provide: Database,
      inject: [DataSource, AppConfig],
      useFactory: (dataSource: DataSource, config: AppConfig) =>
        new Database(dataSource, {
          statementTimeoutMs: config.READ_STATEMENT_TIMEOUT_MS,
          concurrency: Math.max(1, Math.floor(POOL_SIZE / 2)),
          sqliteThreads: config.SQLITE_READ_THREADS,
          sqliteFile: sqlitePath(config.DATABASE_URL),
        }),
    },
  ],
  exports: [DataSource, Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly db: Database,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.closeReaders();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Applies pending migrations on `dataSource` (initialising it first, and closing it after when `own`). */
async function migrate(dataSource: DataSource, own: boolean): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) new Logger('Database').log(`applied ${applied.length} migration(s)`);
  } finally {
    if (own) await dataSource.destroy();
  }
}
