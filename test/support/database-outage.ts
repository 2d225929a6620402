import BetterSqlite3 from 'better-sqlite3';
import { sqlitePath } from '../../src/database/database-options';
import { EngineName } from './databases';
import { TcpProxy } from './tcp-proxy';

/**
 * Makes the database unavailable to the service and back, without touching the server other suites
 * use: on MySQL the service connects through a TCP proxy that is cut; on SQLite another connection
 * holds the write lock (BEGIN EXCLUSIVE), as another process would.
 */
export interface DatabaseOutage {
  /** The DATABASE_URL the service must use. */
  url: string;
  begin(): Promise<void>;
  end(): Promise<void>;
  close(): Promise<void>;
}

export async function databaseOutage(engine: EngineName, url: string): Promise<DatabaseOutage> {
  if (engine === 'mysql') {
    const target = new URL(url);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port || 3306));
    const viaProxy = new URL(url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    return {
      url: viaProxy.toString(),
      begin: () => proxy.down(),
      end: () => proxy.up(),
      close: () => proxy.close(),
    };
  }
  let locker: BetterSqlite3.Database | null = null;
  return {
    url,
    begin: async () => {
      locker = new BetterSqlite3(sqlitePath(url)!);
      locker.exec('BEGIN EXCLUSIVE');
    },
    end: async () => {
      locker?.exec('COMMIT');
      locker?.close();
      locker = null;
    },
    close: async () => {
      locker?.close();
    },
  };
}
