import { AsyncLocalStorage } from 'node:async_hooks';
import { randomInt } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2';
import { DataSource, EntityManager } from 'typeorm';
import { DialectName } from './database-options';
import { SqliteReaders, StatementTimeoutError } from './sqlite-readers';
import { tenantCondition } from './tenant-condition';

export { StatementTimeoutError } from './sqlite-readers';

/** A value that can be bound to a query on both mysql2 and better-sqlite3. */
export type SqlValue = string | number | bigint | null | Buffer;
export type Row = Record<string, unknown>;
/** Anything that runs SQL: the DataSource itself or the EntityManager of a transaction. */
export type Queryable = Pick<EntityManager, 'query'>;

const MYSQL_JSON_SPECIALS = /[\\']/g;

/**
 * JSON text bound as a MySQL string literal that carries its own quoting (mysql2 calls toSqlString()
 * instead of escaping the value). JSON.stringify's output holds no control characters (it writes them
 * as \n, \u0000 …), so only backslashes and single quotes need a backslash, and the text is copied at
 * most once. mysql2's generic escaper also escapes every double quote, slicing and concatenating the
 * text around each of them: for a 2.4 kB call payload that was the largest share of the bytes a
 * webhook delivery allocated on the main thread. Like mysql2's own escaping, it needs backslash
 * escapes, which every pooled connection keeps on for its session (SESSION_SQL_MODE_STATEMENT).
 */
export class MysqlJsonText {
  constructor(readonly text: string) {}

  toSqlString(): string {
    // A text without either character comes back from replace() as the same string, uncopied.
    return `'${this.text.replace(MYSQL_JSON_SPECIALS, '\\$&')}'`;
  }
}

/**
 * A statement issued without its transaction's runner while that transaction is open (a bug: on
 * SQLite it would run inside the transaction, on MySQL outside it). Pass the runner the transaction
 * gave, or run the work after the transaction.
 */
export class StatementOutsideTransactionError extends Error {
  constructor() {
    super('a statement was issued without the runner of the transaction open around it; pass that runner');
    this.name = 'StatementOutsideTransactionError';
  }
}

/** Raised when the database cannot be reached or refuses work; HTTP maps it to 503. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('database unavailable');
    this.name = 'DatabaseUnavailableError';
    this.cause = cause;
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_QUERY_INTERRUPTED',
  'ER_CONNECTION_KILLED',
  'ER_OPTION_PREVENTS_STATEMENT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
]);
// Not SQLITE_BUSY: SQLite's busy_timeout has already waited (2 s) — retrying would outlast Aircall's 5 s timeout.
// DIRECTORY_WRITE_CONFLICT: a row another instance inserted meanwhile (DirectoryUpserter); the retry merges into it.
const RETRYABLE_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'DIRECTORY_WRITE_CONFLICT']);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { code?: unknown; driverError?: unknown; cause?: unknown; message?: unknown };
    if (typeof e.code === 'string') return e.code;
    current = e.driverError ?? e.cause;
  }
  const message = String((error as { message?: unknown })?.message ?? '');
  if (
    /Connection is not established|connection.*closed|Pool is closed|Can't add new command when connection is in closed state|database connection is not open|The database connection is not open/i.test(
      message,
    )
  ) {
    return 'ECONNRESET';
  }
  return undefined;
}

/** True when a statement failed on a primary or unique key another row already holds. */
export function isDuplicateKey(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { code?: unknown; driverError?: unknown; cause?: unknown };
    if (e.code === 'ER_DUP_ENTRY' || (typeof e.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT')))
      return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}

/** True when the error means "the database is down or busy", not "this statement is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = errorCode(error);
  return code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR'));
}

/** How the reads of client requests (GraphQL) are bounded; see Database.read. */
export interface ReadLimits {
  /** Longest a read statement may run. */
  statementTimeoutMs: number;
  /** MySQL: reads running at once, so they never take every pooled connection from the writes. */
  concurrency: number;
  /**
   * SQLite file: threads reading off the main thread (0 reads on the main thread, unbounded). An
   * in-memory SQLite database is private to its connection, so its reads always run on the main thread.
   */
  sqliteThreads: number;
  /** The SQLite file, when the database is one. */
  sqliteFile: string | null;
}

/**
 * Error numbers of a statement stopped by its time limit: MariaDB's max_statement_time (1969, which
 * mysql2 gives no code name) and MySQL's MAX_EXECUTION_TIME (3024, ER_QUERY_TIMEOUT).
 */
const STATEMENT_TIMEOUT_ERRNOS = new Set([1969, 3024]);

function isStatementTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { errno?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof e.errno === 'number' && STATEMENT_TIMEOUT_ERRNOS.has(e.errno)) return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}
/** Extra time the client waits past the server's own limit before it gives the connection up. */
const CLIENT_TIMEOUT_MARGIN_MS = 2000;

/**
 * The one place where MySQL and SQLite differ: value encoding, upsert syntax, locking and
 * transaction retries. Everything else in the service writes portable SQL through this class.
 */
export class Database {
  readonly dialect: DialectName;
  private lastIdMs = 0;
  private idSequence = 0;
  private readonly idNode = randomInt(0, 1024);
  /**
   * SQLite through TypeORM has ONE connection shared by every caller: a statement issued while a
   * transaction is open would run inside it (and be rolled back with it). So on SQLite every
   * statement and transaction outside a transaction waits its turn here — the "one writer".
   */
  private sqliteTurn: Promise<void> = Promise.resolve();
  private readonly inTurn = new AsyncLocalStorage<boolean>();
  /** Set while the code of a transaction runs: statements there must name its runner. */
  private readonly openTransaction = new AsyncLocalStorage<{ open: boolean }>();

  private readonly readers: SqliteReaders | null;
  private flavor: Promise<'mariadb' | 'mysql'> | null = null;
  private readsRunning = 0;
  private readonly readWaiters: Array<() => void> = [];

  constructor(
    readonly dataSource: DataSource,
    private readonly limits: ReadLimits | null = null,
  ) {
    this.dialect =
      dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb' ? 'mysql' : 'sqlite';
    this.readers =
      this.dialect === 'sqlite' && limits?.sqliteFile && limits.sqliteThreads > 0
        ? new SqliteReaders(limits.sqliteFile, limits.sqliteThreads, limits.statementTimeoutMs)
        : null;
  }

  /**
   * A read of a client request (GraphQL): a SELECT whose running time is bounded, so no request can
   * hold the database or the event loop for long. On MySQL the server stops it at
   * `statementTimeoutMs` (MariaDB: `SET STATEMENT max_statement_time … FOR`, MySQL: the
   * MAX_EXECUTION_TIME hint), the client gives up shortly after (a silent server), and at most
   * `concurrency` reads use the pool at once. On a SQLite file it runs on a reader thread
   * (SqliteReaders), leaving the main thread to the webhooks. Past its limit: StatementTimeoutError.
   */
  async read<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const limits = this.limits;
    if (this.openTransaction.getStore()?.open) throw new StatementOutsideTransactionError();
    if (!limits) return this.query<T>(sql, params);
    try {
      if (this.readers) return (await this.readers.read(sql, params)) as T[];
      if (!this.isMysql) return await this.query<T>(sql, params);
      return await this.mysqlRead<T>(sql, params, limits);
    } catch (error) {
      if (error instanceof StatementTimeoutError || error instanceof DatabaseUnavailableError) throw error;
      if (isStatementTimeout(error)) throw new StatementTimeoutError(limits.statementTimeoutMs);
      throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error;
    }
  }

  /** Stops the reader threads (the DataSource is closed by its owner). */
  async closeReaders(): Promise<void> {
    await this.readers?.close();
  }

  private async mysqlRead<T>(sql: string, params: readonly unknown[], limits: ReadLimits): Promise<T[]> {
    // Read once; a failed attempt (the server was down) is forgotten, so the next read asks again.
    const flavor = await (this.flavor ??= this.detectFlavor().catch((error: unknown) => {
      this.flavor = null;
      throw error;
    }));
    const ms = limits.statementTimeoutMs;
    let bounded = sql;
    if (flavor === 'mariadb')
      bounded = `SET STATEMENT max_statement_time = ${(ms / 1000).toFixed(3)} FOR ${sql}`;
    else if (/^\s*SELECT\b/i.test(sql))
      bounded = sql.replace(/^\s*SELECT\b/i, `SELECT /*+ MAX_EXECUTION_TIME(${Math.floor(ms)}) */`);
    await this.readSlot(ms + CLIENT_TIMEOUT_MARGIN_MS);
    try {
      const pool = (this.dataSource.driver as unknown as { pool: Pool }).pool;
      return await new Promise<T[]>((resolve, reject) => {
        // mysql2's own timeout: past it the connection is destroyed, so a silent server cannot hold it.
        pool.query<RowDataPacket[]>(
          { sql: bounded, values: params as unknown[], timeout: ms + CLIENT_TIMEOUT_MARGIN_MS },
          (error, rows) => (error ? reject(error) : resolve((Array.isArray(rows) ? rows : []) as T[])),
        );
      });
    } finally {
      this.releaseReadSlot();
    }
  }

  private async detectFlavor(): Promise<'mariadb' | 'mysql'> {
    const [row] = await this.query<{ v: unknown }>('SELECT VERSION() AS v');
    return /mariadb/i.test(String(row?.v ?? '')) ? 'mariadb' : 'mysql';
  }

  /** Waits for one of the `concurrency` read slots, at most `waitMs` (then the database counts as unavailable). */
  private readSlot(waitMs: number): Promise<void> {
    if (this.readsRunning < (this.limits?.concurrency ?? 1)) {
      this.readsRunning += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        this.readsRunning += 1;
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.readWaiters.indexOf(grant);
        if (index >= 0) this.readWaiters.splice(index, 1);
        reject(new DatabaseUnavailableError(new Error(`no read slot within ${waitMs} ms`)));
      }, waitMs);
      this.readWaiters.push(grant);
    });
  }

  private releaseReadSlot(): void {
    this.readsRunning -= 1;
    this.readWaiters.shift()?.();
  }

  get isMysql(): boolean {
    return this.dialect === 'mysql';
  }

  /**
   * A value for a JSON column, from text JSON.stringify produced: bound as is on SQLite, and on MySQL
   * as a MysqlJsonText literal, which mysql2 writes without escaping it character by character.
   */
  jsonText(json: string): string | MysqlJsonText;
  jsonText(json: string | null): string | MysqlJsonText | null;
  jsonText(json: string | null): string | MysqlJsonText | null {
    return json === null || !this.isMysql ? json : new MysqlJsonText(json);
  }

  /** `FOR UPDATE` on MySQL; SQLite has one writer, whose transaction already excludes the others. */
  get forUpdate(): string {
    return this.isMysql ? ' FOR UPDATE' : '';
  }

  /** A shared row lock on MySQL (MySQL 8 and MariaDB both read `LOCK IN SHARE MODE`); nothing on SQLite. */
  get forShare(): string {
    return this.isMysql ? ' LOCK IN SHARE MODE' : '';
  }

  /** `FOR UPDATE SKIP LOCKED` on MySQL 8 / MariaDB 10.6+, so instances claim disjoint rows. */
  get forUpdateSkipLocked(): string {
    return this.isMysql ? ' FOR UPDATE SKIP LOCKED' : '';
  }

  /** Quotes an identifier for the current dialect. */
  id(name: string): string {
    return this.isMysql ? `\`${name}\`` : `"${name}"`;
  }

  /** Encodes a timestamp the way both engines store DATETIME columns: UTC `YYYY-MM-DD HH:MM:SS.mmm`. */
  date(value: Date | number | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const d = typeof value === 'number' ? new Date(value) : value;
    if (Number.isNaN(d.getTime())) return null;
    return d.toISOString().replace('T', ' ').replace('Z', '');
  }

  /** Decodes a DATETIME read back from either engine (mysql2 gives a Date in UTC, SQLite a string). */
  parseDate(value: unknown): Date | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    const text = String(value);
    const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  bool(value: boolean | null | undefined): number | null {
    return value === null || value === undefined ? null : value ? 1 : 0;
  }

  parseBool(value: unknown): boolean | null {
    if (value === null || value === undefined) return null;
    return value === true || value === 1 || value === '1' || value === 'true';
  }

  /** JSON for a json/text column: MySQL may hand back an object already, SQLite always a string. */
  parseJson<T = unknown>(value: unknown): T | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return JSON.parse(value) as T;
    if (Buffer.isBuffer(value)) return JSON.parse(value.toString('utf8')) as T;
    return value as T;
  }

  /**
   * A unique 63-bit id, ordered by creation time: milliseconds << 20 | node(10 bits) << 10 | sequence(10 bits).
   * Used where a row needs an id before it is inserted and AUTO_INCREMENT cannot be shared by both engines
   * inside an (account_id, id) primary key.
   */
  newId(): string {
    let now = Date.now();
    if (now === this.lastIdMs) {
      this.idSequence = (this.idSequence + 1) & 1023;
      if (this.idSequence === 0) {
        while (now <= this.lastIdMs) now = Date.now();
      }
    } else {
      this.idSequence = 0;
    }
    if (now < this.lastIdMs) now = this.lastIdMs;
    this.lastIdMs = now;
    return ((BigInt(now) << 20n) | (BigInt(this.idNode) << 10n) | BigInt(this.idSequence)).toString();
  }

  /**
   * The runner of a statement: the one given, else the autocommit connection — unless a transaction
   * is open around the caller, where leaving the runner out is the bug this refuses.
   */
  private runnerFor(runner: Queryable | undefined): Queryable {
    if (runner !== undefined && runner !== this.dataSource.manager) return runner;
    if (this.openTransaction.getStore()?.open) throw new StatementOutsideTransactionError();
    return this.dataSource.manager;
  }

  /**
   * The runner of work done outside any transaction (each statement commits on its own), for the
   * repository methods that take a runner first. Refused while a transaction is open around the
   * caller: there, pass the transaction's runner.
   */
  get autocommit(): Queryable {
    return this.dataSource.manager;
  }

  /** Runs `work` alone on SQLite (see sqliteTurn); directly on MySQL, whose pool isolates callers. */
  private exclusive<T>(runner: Queryable, work: () => Promise<T>): Promise<T> {
    // Inside a turn already (a statement issued by code running in a transaction): run now, or it would wait for itself.
    if (this.isMysql || runner !== this.dataSource.manager || this.inTurn.getStore()) return work();
    const turn = this.sqliteTurn.then(() => this.inTurn.run(true, work));
    this.sqliteTurn = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Runs a statement on `runner` (inside a transaction: its runner, which must be given). */
  async query<T = Row>(sql: string, params: readonly unknown[] = [], given?: Queryable): Promise<T[]> {
    const runner = this.runnerFor(given);
    try {
      const result = await this.exclusive(runner, () => runner.query(sql, params as unknown[]));
      return Array.isArray(result) ? (result as T[]) : [];
    } catch (error) {
      throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error;
    }
  }

  /** Runs a write and returns the number of rows it changed (affectedRows on MySQL, changes on SQLite). */
  async execute(sql: string, params: readonly unknown[] = [], given?: Queryable): Promise<number> {
    const runner = this.runnerFor(given);
    try {
      if (this.isMysql) {
        const result = (await runner.query(sql, params as unknown[])) as { affectedRows?: number };
        return result?.affectedRows ?? 0;
      }
      // TypeORM's better-sqlite3 runner returns rows for SELECT and `{ affected }`-less arrays for writes,
      // so ask SQLite itself (in the same turn, so no other statement slips in between).
      return await this.exclusive(runner, async () => {
        await runner.query(sql, params as unknown[]);
        const [row] = (await runner.query('SELECT changes() AS n')) as Array<{ n: number }>;
        return Number(row?.n ?? 0);
      });
    } catch (error) {
      throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error;
    }
  }

  /**
   * Multi-row INSERT that updates `updateColumns` when the primary/unique key exists.
   * One statement for the whole batch (chunked to stay under the engines' bound-parameter limits).
   * Resolves with MySQL's affected-rows count (1 per inserted row, 2 per changed one, 1 per row left
   * as it was), or null on SQLite, where counting would cost a statement.
   */
  async upsert(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
    keyColumns: readonly string[],
    updateColumns: readonly string[],
    given?: Queryable,
  ): Promise<number | null> {
    const runner = this.runnerFor(given);
    if (rows.length === 0) return this.isMysql ? 0 : null;
    let affected = 0;
    const chunk = Math.max(1, Math.floor(30000 / columns.length));
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      const placeholders = part.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      const cols = columns.map((c) => this.id(c)).join(', ');
      let sql = `INSERT INTO ${this.id(table)} (${cols}) VALUES ${placeholders}`;
      if (updateColumns.length === 0) {
        // Not INSERT IGNORE: on MySQL that also turns real errors (truncation, bad JSON) into warnings.
        sql = this.isMysql
          ? `${sql} ON DUPLICATE KEY UPDATE ${this.id(keyColumns[0])} = ${this.id(keyColumns[0])}`
          : `${sql} ON CONFLICT (${keyColumns.map((c) => this.id(c)).join(', ')}) DO NOTHING`;
      } else if (this.isMysql) {
        // MariaDB and MySQL both accept VALUES(col) (deprecated in MySQL 8.0.20 but still supported).
        sql += ` ON DUPLICATE KEY UPDATE ${updateColumns.map((c) => `${this.id(c)} = VALUES(${this.id(c)})`).join(', ')}`;
      } else {
        sql += ` ON CONFLICT (${keyColumns.map((c) => this.id(c)).join(', ')}) DO UPDATE SET ${updateColumns
          .map((c) => `${this.id(c)} = excluded.${this.id(c)}`)
          .join(', ')}`;
      }
      if (this.isMysql) affected += await this.execute(sql, part.flat(), runner);
      else await this.query(sql, part.flat(), runner);
    }
    return this.isMysql ? affected : null;
  }

  /**
   * Multi-row upsert guarded by the row's version: an existing row is only overwritten by a row with a
   * greater (state_version, state_hash), so any delivery order of the same snapshots converges to the
   * same table. `columns` must include `state_version` and `state_hash`.
   */
  async upsertVersioned(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
    keyColumns: readonly string[],
    given?: Queryable,
  ): Promise<void> {
    const runner = this.runnerFor(given);
    if (rows.length === 0) return;
    const data = columns.filter(
      (c) => !keyColumns.includes(c) && c !== 'state_version' && c !== 'state_hash' && c !== 'created_at',
    );
    const t = this.id(table);
    const v = this.id('state_version');
    const h = this.id('state_hash');
    const chunk = Math.max(1, Math.floor(30000 / columns.length));
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      const placeholders = part.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      let sql = `INSERT INTO ${t} (${columns.map((c) => this.id(c)).join(', ')}) VALUES ${placeholders}`;
      if (this.isMysql) {
        // MySQL applies the assignments left to right and later ones see earlier results, so the
        // data columns come first and the version columns last (state_hash before state_version:
        // once the hash is replaced the condition still holds for a strictly greater version and an
        // equal version needs no change).
        const newer = `(VALUES(${v}) > ${v} OR (VALUES(${v}) = ${v} AND VALUES(${h}) > ${h}))`;
        const set = [...data, 'state_hash', 'state_version'].map(
          (c) => `${this.id(c)} = IF(${newer}, VALUES(${this.id(c)}), ${this.id(c)})`,
        );
        sql += ` ON DUPLICATE KEY UPDATE ${set.join(', ')}`;
      } else {
        const set = [...data, 'state_hash', 'state_version'].map(
          (c) => `${this.id(c)} = excluded.${this.id(c)}`,
        );
        sql += ` ON CONFLICT (${keyColumns.map((c) => this.id(c)).join(', ')}) DO UPDATE SET ${set.join(', ')}
          WHERE excluded.${v} > ${t}.${v} OR (excluded.${v} = ${t}.${v} AND excluded.${h} > ${t}.${h})`;
      }
      await this.query(sql, part.flat(), runner);
    }
  }

  /**
   * Runs `work` in a transaction, retrying on deadlocks and lock timeouts (several instances applying
   * events for the same call can deadlock on MySQL; the loser simply tries again).
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>, attempts = 5): Promise<T> {
    // One at a time per caller: a transaction opened inside another would commit on its own.
    if (this.openTransaction.getStore()?.open) throw new StatementOutsideTransactionError();
    const scope = { open: true };
    // READ COMMITTED on MySQL: the service relies on row locks and versioned upserts, not on
    // repeatable reads, and it spares the gap locks that make concurrent inbox inserts deadlock.
    try {
      return await this.openTransaction.run(scope, () =>
        this.retrying(
          () =>
            this.isMysql
              ? this.dataSource.transaction('READ COMMITTED', work)
              : this.exclusive(this.dataSource.manager, () => this.dataSource.transaction(work)),
          attempts,
        ),
      );
    } finally {
      // Work started inside the transaction and still running after it (a timer, a listener) runs
      // on its own again.
      scope.open = false;
    }
  }

  /** Runs `work` again when it lost a deadlock or a lock wait (the loser's statement was rolled back). */
  async retrying<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = errorCode(error);
        if (attempt < attempts && code !== undefined && RETRYABLE_CODES.has(code)) {
          await new Promise((r) => setTimeout(r, 5 * attempt + randomInt(0, 20)));
          continue;
        }
        throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error;
      }
    }
  }

  /**
   * A condition matching composite keys (tenant, id), written so that both engines use the primary
   * key: `(t = ? AND id IN (…)) OR (t = ? AND id IN (…))`, grouped by tenant. (MariaDB does not turn
   * a row-constructor `(a, b) IN ((…), (…))` into index lookups: it scans the table.)
   */
  keysIn(
    tenantColumn: string,
    idColumn: string,
    keys: ReadonlyArray<readonly [string, string]>,
  ): { sql: string; params: string[] } {
    return tenantCondition(keys, this.id(tenantColumn), this.id(idColumn));
  }
}
