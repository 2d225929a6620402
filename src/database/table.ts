import type { Database, Row } from './database';

/** How values are written and read on the current engine (Database does both). */
export type ValueEncoder = Pick<Database, 'date' | 'bool' | 'jsonText'>;
export type ValueDecoder = Pick<Database, 'parseDate' | 'parseBool' | 'parseJson'>;

/**
 * What a column holds, as the service sees it on both engines; `?` makes it nullable.
 * - `id`: a BIGINT key (Aircall ids, account ids), read and written as a decimal string
 * - `bigid`: a BIGINT from Database.newId(), above 2^53: selected as text so SQLite cannot round it
 * - `text`, `int`, `decimal` (a number with a fixed scale), `bool`, `datetime` (UTC, milliseconds)
 * - `json`: a document, written as JSON text and read back parsed
 */
export type ColumnType = 'id' | 'bigid' | 'text' | 'int' | 'decimal' | 'bool' | 'datetime' | 'json';
export type ColumnSpec = ColumnType | `${ColumnType}?`;
export type Columns = Record<string, ColumnSpec>;

interface Written {
  id: string;
  bigid: string;
  text: string;
  int: number;
  decimal: number;
  bool: boolean;
  datetime: Date;
  /** JSON text (the caller serialises, so a document hashed or measured is the one stored). */
  json: string;
}
interface Read extends Omit<Written, 'json'> {
  json: unknown;
}

type Value<S, V> = S extends `${infer T extends ColumnType}?` ? V[T & keyof V] | null : V[S & keyof V];

/** The values of a row to write, by field. */
export type WriteRow<C extends Columns> = { -readonly [K in keyof C]: Value<C[K], Written> };
/** A row read back, decoded, by field. */
export type ReadRow<C extends Columns> = { -readonly [K in keyof C]: Value<C[K], Read> };

/** `callUuid` → `call_uuid`: a field's column. */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * One table, declared once: its fields (camelCase, each the snake_case column of the same name) in
 * column order, which drive the select lists, the order of inserted values and the decoding of rows.
 * Migrations create the tables; test/tables.e2e-spec.ts checks every definition against them.
 */
export class Table<C extends Columns> {
  /** Column names, in order. */
  readonly columns: readonly string[];
  readonly fields: readonly (keyof C & string)[];
  private readonly selects = new Map<string, string>();
  private readonly specs: ReadonlyArray<{
    field: keyof C & string;
    column: string;
    type: ColumnType;
    nullable: boolean;
  }>;

  constructor(
    readonly name: string,
    definition: C,
  ) {
    this.fields = Object.keys(definition);
    this.specs = this.fields.map((field) => {
      const spec = definition[field];
      const nullable = spec.endsWith('?');
      return {
        field,
        column: columnOf(field),
        type: (nullable ? spec.slice(0, -1) : spec) as ColumnType,
        nullable,
      };
    });
    this.columns = this.specs.map((s) => s.column);
  }

  /** Each column with its type and nullability (for checks against the migrated schema). */
  columnSpecs(): ReadonlyArray<{ column: string; type: ColumnType; nullable: boolean }> {
    return this.specs.map(({ column, type, nullable }) => ({ column, type, nullable }));
  }

  /** The columns of `fields`. */
  columnsOf(fields: readonly (keyof C & string)[]): string[] {
    return fields.map((field) => columnOf(field));
  }

  /** `alias.column, …` of every column (or of `fields`), for a SELECT. */
  select(alias?: string, fields?: readonly (keyof C & string)[]): string {
    if (fields === undefined) {
      const key = alias ?? '';
      let all = this.selects.get(key);
      if (all === undefined) this.selects.set(key, (all = this.select(alias, this.fields)));
      return all;
    }
    const prefix = alias ? `${alias}.` : '';
    return fields
      .map((field) => {
        const column = columnOf(field);
        const big = this.specs.find((s) => s.field === field)?.type === 'bigid';
        return big ? `CAST(${prefix}${column} AS CHAR) AS ${column}` : `${prefix}${column}`;
      })
      .join(', ');
  }

  /** The table restricted to `fields` (a read of some columns, decoded as such). */
  pick<F extends keyof C & string>(fields: readonly F[]): Table<Pick<C, F>> {
    const definition: Columns = {};
    for (const { field, type, nullable } of this.specs)
      if ((fields as readonly string[]).includes(field)) definition[field] = nullable ? `${type}?` : type;
    return new Table(this.name, definition as Pick<C, F>);
  }

  /** The table without `fields` (a read that leaves some columns out). */
  omit<F extends keyof C & string>(fields: readonly F[]): Table<Omit<C, F>> {
    return this.pick(
      this.fields.filter((field) => !(fields as readonly string[]).includes(field)),
    ) as unknown as Table<Omit<C, F>>;
  }

  /** The values of `row` in column order, encoded for the database's dialect. */
  values(db: ValueEncoder, row: WriteRow<C>): unknown[] {
    const out = new Array<unknown>(this.specs.length);
    for (let i = 0; i < this.specs.length; i++) {
      const { field, type } = this.specs[i];
      out[i] = encode(db, type, row[field]);
    }
    return out;
  }

  /** A row read from either engine, decoded: dates, booleans, JSON, ids as strings. */
  decode(db: ValueDecoder, row: Row): ReadRow<C> {
    return this.decodeInto(db, row, {});
  }

  /**
   * The decoded fields written straight onto `target` (a GraphQL model, say): on a hot read path this
   * skips the intermediate object and the copy, which cost more than the decoding itself.
   */
  decodeInto<T extends object>(db: ValueDecoder, row: Row, target: T): T & ReadRow<C> {
    const out = target as Record<string, unknown>;
    for (const { field, column, type, nullable } of this.specs)
      out[field] = decode(db, type, nullable, row[column]);
    return out as T & ReadRow<C>;
  }
}

/** The row types of a table. */
export type RowToWrite<T> = T extends Table<infer C> ? WriteRow<C> : never;
export type RowRead<T> = T extends Table<infer C> ? ReadRow<C> : never;

export function defineTable<const C extends Columns>(name: string, definition: C): Table<C> {
  return new Table(name, definition);
}

function encode(db: ValueEncoder, type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'bool':
      return db.bool(value as boolean);
    case 'datetime':
      return db.date(value as Date);
    case 'json':
      return db.jsonText(value as string);
    case 'id':
    case 'bigid':
    case 'text':
    case 'int':
    case 'decimal':
      return value;
  }
}

function decode(db: ValueDecoder, type: ColumnType, nullable: boolean, value: unknown): unknown {
  if (value === null || value === undefined) return type === 'bool' && !nullable ? false : null;
  switch (type) {
    case 'id':
    case 'bigid':
    case 'text':
      return String(value);
    case 'int':
    case 'decimal':
      return Number(value);
    case 'bool':
      return db.parseBool(value);
    case 'datetime':
      return db.parseDate(value);
    case 'json':
      return db.parseJson(value);
  }
}
