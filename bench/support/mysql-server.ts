import { Connection, createConnection } from 'mysql2/promise';
import { createDataSource } from '../../src/database/database-options';

/**
 * The MariaDB/MySQL server the benchmarks run on (BENCH_DATABASE_URL, default the local MariaDB),
 * and the throwaway databases they create on it. Every figure and its baselines use this one server.
 */
export class MysqlServer {
  private readonly server: URL;

  constructor(serverUrl: string) {
    this.server = new URL(serverUrl.replace(/^mariadb:/, 'mysql:'));
  }

  /** DATABASE_URL of database `name` on this server. */
  urlOf(name: string): string {
    const url = new URL(this.server.toString());
    url.pathname = `/${name}`;
    url.search = '';
    return url.toString();
  }

  connect(database?: string, extra: { multipleStatements?: boolean } = {}): Promise<Connection> {
    return createConnection({
      host: this.server.hostname,
      port: Number(this.server.port || 3306),
      user: decodeURIComponent(this.server.username),
      password: decodeURIComponent(this.server.password),
      database,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
      ...extra,
    });
  }

  /**
   * The InnoDB settings the ingestion figures depend on most (MB): a sustained intake writes several MB
   * of rows and redo per second, and a small buffer pool or redo log makes the server flush in the
   * middle of it. Recorded with every result so runs on differently sized servers are not compared blind.
   */
  async innodbSizing(): Promise<{ bufferPoolMb: number; redoLogMb: number }> {
    const conn = await this.connect();
    try {
      const [rows] = await conn.query(
        `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('innodb_buffer_pool_size', 'innodb_log_file_size', 'innodb_log_files_in_group', 'innodb_redo_log_capacity')`,
      );
      const value = new Map(
        (rows as Array<{ Variable_name: string; Value: string }>).map((r) => [
          r.Variable_name,
          Number(r.Value),
        ]),
      );
      const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
      // MySQL 8.0.30+ sizes redo by innodb_redo_log_capacity; MariaDB and older MySQL by file size × files.
      const redo =
        value.get('innodb_redo_log_capacity') ??
        (value.get('innodb_log_file_size') ?? 0) * (value.get('innodb_log_files_in_group') ?? 1);
      return { bufferPoolMb: mb(value.get('innodb_buffer_pool_size') ?? 0), redoLogMb: mb(redo) };
    } finally {
      await conn.end();
    }
  }

  async version(): Promise<string> {
    const conn = await this.connect();
    try {
      const [rows] = await conn.query('SELECT VERSION() AS v');
      return String((rows as Array<{ v: string }>)[0].v);
    } finally {
      await conn.end();
    }
  }

  async exists(name: string): Promise<boolean> {
    const conn = await this.connect();
    try {
      const [rows] = await conn.query(
        'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [name],
      );
      return (rows as unknown[]).length > 0;
    } finally {
      await conn.end();
    }
  }

  /** A fresh, empty database (dropped first if a crashed run left it behind). */
  async createDatabase(name: string): Promise<string> {
    const conn = await this.connect();
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } finally {
      await conn.end();
    }
    return this.urlOf(name);
  }

  async dropDatabase(name: string): Promise<void> {
    const conn = await this.connect();
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await conn.end();
    }
  }

  /** Applies the service's own migrations, so every table has exactly the production shape. */
  async migrate(name: string): Promise<void> {
    const dataSource = createDataSource(this.urlOf(name), { poolSize: 2 });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
  }
}
