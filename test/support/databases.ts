import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

export type EngineName = 'sqlite' | 'mysql';

export interface TestDatabase {
  engine: EngineName;
  /** DATABASE_URL of a fresh, empty database owned by this suite. */
  url: string;
  drop(): Promise<void>;
}

/**
 * Engines every database suite runs on: SQLite always; MySQL/MariaDB when DATABASE_URL names a
 * server (`.ci/run` always sets it). A suite never shares a database with another suite.
 */
export function testEngines(): EngineName[] {
  const url = process.env.DATABASE_URL ?? '';
  return /^(mysql|mariadb):/.test(url) ? ['sqlite', 'mysql'] : ['sqlite'];
}

export async function createTestDatabase(engine: EngineName): Promise<TestDatabase> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  if (engine === 'sqlite') {
    const file = join(tmpdir(), `aircall-sync-test-${suffix}.sqlite`);
    return {
      engine,
      url: `sqlite:${file}`,
      drop: async () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      },
    };
  }
  const server = new URL(process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'));
  const name = `acs_t_${suffix}`;
  const admin = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    engine,
    url: url.toString(),
    drop: async () => {
      const conn = await createConnection({
        host: server.hostname,
        port: Number(server.port || 3306),
        user: decodeURIComponent(server.username),
        password: decodeURIComponent(server.password),
      });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** `describe` once per engine, with a fresh database created before and dropped after the block. */
export function describeEachEngine(title: string, body: (db: () => TestDatabase) => void): void {
  for (const engine of testEngines()) {
    describe(`${title} [${engine}]`, () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await createTestDatabase(engine);
      });
      afterAll(async () => {
        await database?.drop();
      });
      body(() => database);
    });
  }
}
