import { Connection, createPool, Pool } from 'mysql2/promise';
import { CALLS } from '../../src/calls/call-tables';
import { ValueEncoder } from '../../src/database/table';
import { MysqlServer } from '../support/mysql-server';

/** Bump when the generated data changes shape: cached databases of an older version are rebuilt. */
const GENERATOR_VERSION = 2;
export const BENCH_ACCOUNT_ID = '9000001';
const DAY_MS = 86_400_000;

export interface DatasetShape {
  calls: number;
  users: number;
  numbers: number;
  teams: number;
  tags: number;
  contacts: number;
  /** Calls are spread over this many days ending at `endsAt`. */
  days: number;
}

export interface Dataset {
  databaseName: string;
  shape: DatasetShape;
  endsAt: Date;
  /** True when the cached database was reused. */
  cached: boolean;
  generationSeconds: number;
  rows: Record<string, number>;
}

/** A seeded generator, so every rebuild yields the same data (and the same query plans). */
class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  /** Skewed pick in [0, n): a few agents and lines take most calls, as in real call centres. */
  skewed(n: number): number {
    return Math.min(n - 1, Math.floor(n * this.next() ** 2));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Ids of the generated directory, so benchmark filters can name real users, lines and tags. */
export const datasetIds = {
  user: (i: number) => 1_100_000 + i,
  number: (i: number) => 600_000 + i,
  team: (i: number) => 80_000 + i,
  tag: (i: number) => 40_000 + i,
  contact: (i: number) => 20_000_000 + i,
};

const sqlDate = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** How the generator writes values straight to MariaDB (the service's Database encodes the same way). */
const MYSQL_VALUES: ValueEncoder = {
  date: (value) => (value === null || value === undefined ? null : sqlDate(new Date(value).getTime())),
  bool: (value) => (value === null || value === undefined ? null : value ? 1 : 0),
  jsonText: ((json: string | null) => json) as ValueEncoder['jsonText'],
};

/**
 * One account with `shape.calls` calls in MariaDB, for the GraphQL benchmark: generated straight into
 * the production tables with multi-row INSERTs (the service's migrations create them), with realistic
 * distributions — two years' worth of business-hours traffic, 60 % inbound of which a fifth missed,
 * skewed agents and lines, teams rung, tags with who tagged, comments, contacts, transfers.
 *
 * The database is kept between runs under a name that says its size, with a marker row: a rerun with
 * the same size and generator version reuses it instead of generating again.
 */
export class CallDataset {
  constructor(
    private readonly server: MysqlServer,
    private readonly log: (line: string) => void,
  ) {}

  static nameFor(calls: number): string {
    const size =
      calls % 1_000_000 === 0
        ? `${calls / 1_000_000}m`
        : calls % 1000 === 0
          ? `${calls / 1000}k`
          : String(calls);
    return `aircall_bench_${size}`;
  }

  async ensure(calls: number): Promise<Dataset> {
    const shape: DatasetShape = {
      calls,
      users: 200,
      numbers: 30,
      teams: 12,
      tags: 40,
      contacts: Math.max(100, Math.round(calls / 20)),
      days: 365,
    };
    const databaseName = CallDataset.nameFor(calls);
    const cached = await this.readMarker(databaseName, shape);
    if (cached) {
      // Migrations added since the data was generated (e.g. a new index) are applied here, once and
      // timed apart, rather than inside the service's start.
      const migrateStarted = Date.now();
      await this.server.migrate(databaseName);
      const migrateSeconds = (Date.now() - migrateStarted) / 1000;
      if (migrateSeconds > 1)
        this.log(`graphql: applied new migrations to ${databaseName} in ${migrateSeconds.toFixed(1)} s`);
      this.log(
        `graphql: reusing cached database ${databaseName} (${calls} calls, generated ${cached.toISOString()})`,
      );
      return {
        databaseName,
        shape,
        endsAt: cached,
        cached: true,
        generationSeconds: 0,
        rows: await this.rowCounts(databaseName),
      };
    }
    this.log(`graphql: generating ${calls} calls into ${databaseName} (cached for later runs)`);
    const started = Date.now();
    await this.server.createDatabase(databaseName);
    await this.server.migrate(databaseName);
    // Whole days, so the same database gives the same 90-day window whatever time it is generated.
    const endsAt = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const conn = await this.server.connect(databaseName);
    const pool = createPool({ uri: this.server.urlOf(databaseName), connectionLimit: 3, timezone: 'Z' });
    try {
      // Secondary indexes of calls are built once after the load (a sorted build) instead of row by row.
      const indexes = await this.secondaryIndexes(conn, 'calls');
      await conn.query(`ALTER TABLE calls ${indexes.map((i) => `DROP INDEX \`${i.name}\``).join(', ')}`);
      await this.generate(pool, shape, endsAt.getTime());
      this.log('graphql: building the indexes of calls');
      await conn.query(
        `ALTER TABLE calls ${indexes.map((i) => `ADD ${i.unique ? 'UNIQUE ' : ''}INDEX \`${i.name}\` (${i.columns.map((c) => `\`${c}\``).join(', ')})`).join(', ')}`,
      );
      await conn.query(
        'ANALYZE TABLE calls, call_tags, call_teams, call_comments, users, numbers, contacts, teams, tags',
      );
      await conn.query(
        'CREATE TABLE bench_marker (generator_version INT NOT NULL, calls INT NOT NULL, ends_at DATETIME(3) NOT NULL)',
      );
      await conn.query('INSERT INTO bench_marker VALUES (?, ?, ?)', [
        GENERATOR_VERSION,
        calls,
        sqlDate(endsAt.getTime()),
      ]);
    } finally {
      await pool.end();
      await conn.end();
    }
    const generationSeconds = Math.round((Date.now() - started) / 100) / 10;
    this.log(`graphql: generated in ${generationSeconds} s`);
    return {
      databaseName,
      shape,
      endsAt,
      cached: false,
      generationSeconds,
      rows: await this.rowCounts(databaseName),
    };
  }

  /** The marker's end date when the database exists and was generated by this version for this size. */
  private async readMarker(name: string, shape: DatasetShape): Promise<Date | null> {
    if (!(await this.server.exists(name))) return null;
    const conn = await this.server.connect(name);
    try {
      const [rows] = await conn.query('SELECT generator_version, calls, ends_at FROM bench_marker');
      const marker = (rows as Array<{ generator_version: number; calls: number; ends_at: Date }>)[0];
      if (!marker || marker.generator_version !== GENERATOR_VERSION || marker.calls !== shape.calls)
        return null;
      return new Date(marker.ends_at);
    } catch {
      return null;
    } finally {
      await conn.end();
    }
  }

  private async rowCounts(name: string): Promise<Record<string, number>> {
    const conn = await this.server.connect(name);
    try {
      const counts: Record<string, number> = {};
      for (const table of [
        'calls',
        'call_teams',
        'call_tags',
        'call_comments',
        'users',
        'numbers',
        'contacts',
        'teams',
        'tags',
      ]) {
        const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM ${table}`);
        counts[table] = Number((rows as Array<{ n: unknown }>)[0].n);
      }
      return counts;
    } finally {
      await conn.end();
    }
  }

  private async secondaryIndexes(
    conn: Connection,
    table: string,
  ): Promise<Array<{ name: string; unique: boolean; columns: string[] }>> {
    const [rows] = await conn.query(
      `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
      [table],
    );
    const byName = new Map<string, { name: string; unique: boolean; columns: string[] }>();
    for (const r of rows as Array<{ name: string; nonUnique: unknown; col: string }>) {
      let index = byName.get(r.name);
      if (!index)
        byName.set(r.name, (index = { name: r.name, unique: Number(r.nonUnique) === 0, columns: [] }));
      index.columns.push(r.col);
    }
    return [...byName.values()];
  }

  private async generate(pool: Pool, shape: DatasetShape, endsAtMs: number): Promise<void> {
    const random = new Random(20240601);
    const account = BENCH_ACCOUNT_ID;
    const created = sqlDate(endsAtMs - 400 * DAY_MS);
    const writer = new BulkWriter(pool);
    const { user: userId, number: numberId, team: teamId, tag: tagId, contact: contactId } = datasetIds;

    for (let i = 0; i < shape.users; i++) {
      await writer.add(
        'users',
        [
          'account_id',
          'id',
          'name',
          'email',
          'available',
          'availability_status',
          'time_zone',
          'language',
          'wrap_up_time',
          'aircall_created_at',
          'created_at',
          'updated_at',
        ],
        [
          account,
          userId(i),
          `Agent ${i}`,
          `agent${i}@example.com`,
          i % 3 !== 0,
          i % 3 !== 0 ? 'available' : 'offline',
          'Europe/Paris',
          'fr-FR',
          10,
          created,
          created,
          created,
        ],
      );
    }
    for (let i = 0; i < shape.numbers; i++) {
      const digits = `+33 1 76 36 ${String(10 + i).padStart(2, '0')} 00`;
      await writer.add(
        'numbers',
        [
          'account_id',
          'id',
          'name',
          'digits',
          'e164_digits',
          'country',
          'time_zone',
          'open',
          'availability_status',
          'is_ivr',
          'live_recording_activated',
          'aircall_created_at',
          'created_at',
          'updated_at',
        ],
        [
          account,
          numberId(i),
          `Line ${i}`,
          digits,
          digits.replace(/[^+\d]/g, ''),
          'FR',
          'Europe/Paris',
          1,
          'open',
          i % 5 === 0 ? 1 : 0,
          1,
          created,
          created,
          created,
        ],
      );
    }
    for (let i = 0; i < shape.teams; i++) {
      await writer.add(
        'teams',
        ['account_id', 'id', 'name', 'aircall_created_at', 'created_at', 'updated_at'],
        [account, teamId(i), `Team ${i}`, created, created, created],
      );
    }
    for (let u = 0; u < shape.users; u++) {
      await writer.add(
        'team_users',
        ['account_id', 'team_id', 'user_id'],
        [account, teamId(u % shape.teams), userId(u)],
      );
    }
    for (let i = 0; i < shape.tags; i++) {
      await writer.add(
        'tags',
        ['account_id', 'id', 'name', 'color', 'description', 'created_at', 'updated_at'],
        [account, tagId(i), `tag-${i}`, '#00B388', null, created, created],
      );
    }
    for (let i = 0; i < shape.contacts; i++) {
      const phone = `+336${String(10_000_000 + i).slice(-8)}`;
      await writer.add(
        'contacts',
        [
          'account_id',
          'id',
          'first_name',
          'last_name',
          'company_name',
          'is_shared',
          'phone_numbers',
          'emails',
          'aircall_created_at',
          'aircall_updated_at',
          'created_at',
          'updated_at',
        ],
        [
          account,
          contactId(i),
          `First${i}`,
          `Last${i}`,
          `Company ${i % 997}`,
          1,
          JSON.stringify([{ id: i * 10, label: 'Work', value: phone }]),
          JSON.stringify([{ id: i * 10 + 1, label: 'Work', value: `c${i}@example.com` }]),
          created,
          created,
          created,
          created,
        ],
      );
    }
    await writer.flushAll();

    const spanMs = shape.days * DAY_MS;
    const startMs = endsAtMs - spanMs;
    for (let i = 0; i < shape.calls; i++) {
      const id = 2_000_000_000 + i;
      // Calls in id order over the span, at business hours (07:00–19:00 UTC), ids increasing with time like Aircall's.
      const day = Math.floor((i / shape.calls) * shape.days);
      const started = startMs + day * DAY_MS + 7 * 3_600_000 + random.int(12 * 3_600_000);
      const inbound = random.chance(0.6);
      const missed = inbound && random.chance(0.2);
      const answered = !missed && random.chance(inbound ? 1 : 0.7);
      const waiting = answered ? 3 + random.int(40) : null;
      const inCall = answered ? Math.round(-Math.log(1 - random.next()) * 180) + 5 : null;
      const duration = (waiting ?? 25 + random.int(30)) + (inCall ?? 0);
      const user = answered || !inbound ? userId(random.skewed(shape.users)) : null;
      const contact = random.chance(0.4) ? contactId(random.int(shape.contacts)) : null;
      const transferred = answered && random.chance(0.05);
      const phone = `+33${random.chance(0.5) ? 6 : 1}${String(random.int(100_000_000)).padStart(8, '0')}`;
      const voicemail = missed && random.chance(0.4);
      const stateVersion = (started + duration * 1000) * 16 + 9;
      const ended = new Date(started + duration * 1000);
      const reason = missed ? (random.chance(0.7) ? 'agents_did_not_answer' : 'out_of_opening_hours') : null;
      await writer.add(
        'calls',
        CALLS.columns,
        CALLS.values(MYSQL_VALUES, {
          accountId: account,
          id: String(id),
          callUuid: `CA${id.toString(16)}`,
          directLink: `https://api.aircall.io/v1/calls/${id}`,
          direction: inbound ? 'inbound' : 'outbound',
          status: 'done',
          missedCallReason: reason,
          hangupCause: answered ? 'normal_clearing' : null,
          startedAt: new Date(started),
          answeredAt: answered ? new Date(started + waiting! * 1000) : null,
          endedAt: ended,
          duration,
          missed,
          outcome: !inbound
            ? null
            : answered
              ? 'answered'
              : reason === 'out_of_opening_hours'
                ? 'out_of_hours'
                : voicemail
                  ? 'voicemail'
                  : 'missed',
          inCallDuration: inCall,
          waitingDuration: waiting,
          rawDigits: phone,
          digits: phone.slice(1),
          archived: random.chance(0.1),
          cost: answered ? Number(((inCall! / 60) * 0.02).toFixed(4)) : 0,
          countryCode: 'FR',
          recordingUrl: answered ? `https://aircall-recordings.example/${id}.mp3` : null,
          voicemailUrl: voicemail ? `https://aircall-voicemails.example/${id}.mp3` : null,
          assetUrl: answered || voicemail ? `https://assets.aircall.io/calls/${id}/recording` : null,
          userId: user === null ? null : String(user),
          numberId: String(numberId(random.skewed(shape.numbers))),
          assignedToId: random.chance(0.1) ? String(userId(random.int(shape.users))) : null,
          transferredById: transferred && user !== null ? String(user) : null,
          transferredToId: transferred ? String(userId(random.int(shape.users))) : null,
          contactId: contact === null ? null : String(contact),
          externalTransferredTo: null,
          externalCallerNumber: null,
          participants: JSON.stringify([{ type: 'external', phone_number: phone }]),
          ivrOptions: null,
          payload: `{"id":${id}}`,
          lastEvent: 'call.ended',
          lastEventAt: ended,
          stateVersion,
          stateHash: 'bench',
          createdAt: ended,
          updatedAt: ended,
        }),
      );
      if (inbound) {
        const first = random.int(shape.teams);
        await writer.add(
          'call_teams',
          ['account_id', 'call_id', 'team_id', 'started_at'],
          [account, id, teamId(first), sqlDate(started)],
        );
        if (random.chance(0.1))
          await writer.add(
            'call_teams',
            ['account_id', 'call_id', 'team_id', 'started_at'],
            [account, id, teamId((first + 1) % shape.teams), sqlDate(started)],
          );
      }
      const tagCount = random.chance(0.3) ? (random.chance(0.3) ? 2 : 1) : 0;
      const firstTag = random.skewed(shape.tags);
      for (let t = 0; t < tagCount; t++) {
        await writer.add(
          'call_tags',
          ['account_id', 'call_id', 'tag_id', 'tagged_by_id', 'tagged_at', 'started_at'],
          [
            account,
            id,
            tagId((firstTag + t) % shape.tags),
            user ?? userId(random.int(shape.users)),
            sqlDate(started + (duration + 60 + t) * 1000),
            sqlDate(started),
          ],
        );
      }
      if (random.chance(0.05)) {
        await writer.add(
          'call_comments',
          ['account_id', 'call_id', 'id', 'content', 'posted_by_id', 'posted_at'],
          [
            account,
            id,
            id * 100 + 1,
            'Customer wants a callback',
            user ?? userId(random.int(shape.users)),
            sqlDate(started + (duration + 120) * 1000),
          ],
        );
      }
      if (i > 0 && i % 100_000 === 0) this.log(`graphql: … ${i} calls`);
    }
    await writer.flushAll();
  }
}

/**
 * Buffers rows per table and writes them with multi-row INSERTs of ~1,000 rows, a few statements in
 * flight at once so generating the next rows overlaps the database writing the previous ones.
 */
class BulkWriter {
  private readonly buffers = new Map<string, { columns: readonly string[]; rows: unknown[][] }>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly pool: Pool,
    private readonly rowsPerStatement = 1000,
    private readonly maxInFlight = 3,
  ) {}

  async add(table: string, columns: readonly string[], row: unknown[]): Promise<void> {
    let buffer = this.buffers.get(table);
    if (!buffer) this.buffers.set(table, (buffer = { columns, rows: [] }));
    buffer.rows.push(row);
    if (buffer.rows.length >= this.rowsPerStatement) await this.flush(table);
  }

  async flushAll(): Promise<void> {
    for (const table of this.buffers.keys()) await this.flush(table);
    await Promise.all(this.inFlight);
  }

  private async flush(table: string): Promise<void> {
    const buffer = this.buffers.get(table)!;
    if (buffer.rows.length === 0) return;
    const rows = buffer.rows;
    buffer.rows = [];
    const placeholders = rows.map(() => `(${buffer.columns.map(() => '?').join(', ')})`).join(', ');
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    const write: Promise<void> = this.pool
      .query(`INSERT INTO ${table} (${buffer.columns.join(', ')}) VALUES ${placeholders}`, rows.flat())
      .then(() => {
        this.inFlight.delete(write);
      });
    this.inFlight.add(write);
  }
}
