import { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column shapes that mean the same thing on MySQL/MariaDB and SQLite, for migrations written once
 * with TypeORM's Table API (the Ghost discipline: one set of migrations, both engines tested).
 */
export function portableColumns(queryRunner: QueryRunner) {
  const mysql = queryRunner.connection.driver.options.type === 'mysql';
  return {
    /** Aircall ids exceed 2^31 (Call id is Int64): always BIGINT. */
    bigint: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'bigint',
      ...extra,
    }),
    int: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'int',
      ...extra,
    }),
    string: (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      ...extra,
    }),
    text: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: mysql ? 'mediumtext' : 'text',
      ...extra,
    }),
    /** JSON documents (Aircall payloads): MySQL's JSON type, TEXT on SQLite. */
    json: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: mysql ? 'json' : 'text',
      ...extra,
    }),
    boolean: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'boolean',
      ...extra,
    }),
    /** UTC DATETIME with milliseconds (stored as `YYYY-MM-DD HH:MM:SS.mmm` text on SQLite). */
    datetime: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'datetime',
      ...(mysql ? { precision: 3 } : {}),
      ...extra,
    }),
    decimal: (
      name: string,
      precision: number,
      scale: number,
      extra: Partial<TableColumnOptions> = {},
    ): TableColumnOptions => ({
      name,
      type: 'decimal',
      precision,
      scale,
      ...extra,
    }),
  };
}
