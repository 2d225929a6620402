import { Logger } from '@nestjs/common';
import * as mysql2 from 'mysql2';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DataSource, DataSourceOptions, Logger as TypeormLogger } from 'typeorm';

export type DialectName = 'mysql' | 'sqlite';

/** Connections of the service's MySQL pool (per thread: the processor thread has its own). */
export const POOL_SIZE = 20;

/** Where the migrations live once compiled (dist/migrations) or when run through ts-node/jest (migrations/). */
function migrationGlobs(): string[] {
  const root = resolve(__dirname, '..', '..');
  return [join(root, 'migrations', '*.{js,ts}')].map((glob) =>
    __filename.endsWith('.ts') ? glob.replace('{js,ts}', 'ts') : glob.replace('{js,ts}', 'js'),
  );
}

export function dialectOf(databaseUrl: string): DialectName {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/** Path of the SQLite file of a `sqlite:PATH` URL, or null for `sqlite::memory:` and MySQL. */
export function sqlitePath(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length);
  return path === ':memory:' ? null : resolve(path);
}

/**
 * Removes NO_BACKSLASH_ESCAPES from the session's sql_mode and keeps every other mode. mysql2 (and
 * MysqlJsonText) write a quote inside a string literal as `\'`; a server running with
 * NO_BACKSLASH_ESCAPES reads that backslash as a character and the quote as the end of the literal,
 * so text from a payload (a comment, a contact's name) would be cut short or run as SQL.
 */
export const SESSION_SQL_MODE_STATEMENT =
  "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))";

/**
 * mysql2 as TypeORM's driver, with every pooled connection running SESSION_SQL_MODE_STATEMENT before
 * anything else: the pool emits `connection` once a new connection is up and before handing it out,
 * and a connection runs its commands in order, so no query of the service can precede it.
 */
function mysql2Driver(): typeof mysql2 {
  const logger = new Logger('Database');
  return {
    ...mysql2,
    createPool: ((config: mysql2.PoolOptions) => {
      const pool = mysql2.createPool(config);
      pool.on('connection', (connection) => {
        connection.query(SESSION_SQL_MODE_STATEMENT, (error: Error | null) => {
          // A connection that lost its server here fails its next query too, and that error reaches the
          // caller; any other failure (an engine that refuses the SET) is logged and the session keeps
          // the server's mode.
          if (error) logger.warn({ msg: 'could not set the session sql_mode', error: error.message });
        });
      });
      return pool;
    }) as typeof mysql2.createPool,
  };
}

/**
 * TypeORM options for DATABASE_URL. MySQL/MariaDB through mysql2 (UTC, BIGINTs as strings so ids
 * above 2^53 could never be rounded, backslash escapes whatever the server's sql_mode); SQLite
 * through better-sqlite3 in WAL mode (one writer).
 */
/**
 * TypeORM's messages through the service's JSON logger: a statement that ran up to its time limit
 * (DATABASE_QUERY_TIMEOUT_MS) is a warning naming the start of its SQL, never its parameters (they
 * carry tenants' data); failed statements are reported by their callers; migrations are logged.
 */
class DatabaseLogger implements TypeormLogger {
  private readonly logger = new Logger('Database');

  logQuery(): void {}
  logQueryError(): void {}
  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow statement', ms: time, sql: query.replace(/\s+/g, ' ').slice(0, 200) });
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.log({ msg: message });
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ msg: String(message) });
  }
}

export interface DataSourceExtra {
  poolSize?: number;
  /** MySQL: client-side time limit of every statement (mysql2 drops the connection past it). */
  queryTimeoutMs?: number;
}

export function dataSourceOptions(databaseUrl: string, extra: DataSourceExtra = {}): DataSourceOptions {
  // No entity classes: repositories own their SQL through the Database helper (see database.ts).
  const common = {
    entities: [],
    migrations: migrationGlobs(),
    migrationsTableName: 'migrations',
    logging: false as const,
    logger: new DatabaseLogger(),
  };
  if (dialectOf(databaseUrl) === 'sqlite') {
    const file = sqlitePath(databaseUrl);
    if (file && !existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: file ?? ':memory:',
      enableWAL: file !== null,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        // better-sqlite3 is synchronous: a wait for another process's write lock blocks the event loop.
        // SQLite here has one writer (this process), so such a wait is abnormal: give up quickly and
        // answer 503 (Aircall retries) rather than stall every request for seconds.
        db.pragma('busy_timeout = 50');
        db.pragma('foreign_keys = ON');
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    connectorPackage: 'mysql2',
    driver: mysql2Driver(),
    url: databaseUrl.replace(/^mariadb:/, 'mysql:'),
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 5000,
    ...(extra.queryTimeoutMs
      ? { maxQueryExecutionTime: extra.queryTimeoutMs, enableQueryTimeout: true }
      : {}),
    poolSize: extra.poolSize ?? POOL_SIZE,
    extra: {
      waitForConnections: true,
      queueLimit: 0,
      enableKeepAlive: true,
      // TypeORM sends text queries, never mysql2's prepared statements, yet each connection allocates
      // a statement cache of this many slots up front (docs/benchmarks.md, design notes).
      maxPreparedStatements: 16,
    },
  };
}

export function createDataSource(databaseUrl: string, extra: DataSourceExtra = {}): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl, extra));
}
