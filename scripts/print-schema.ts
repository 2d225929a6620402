import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { SCHEMA_FILE, schemaFileOf } from '../src/graphql/schema-file';

/**
 * `npm run schema:print`: builds the code-first schema from the real module graph (on a throwaway
 * in-memory SQLite, nothing scheduled) and writes schema.gql. A test fails when the file is stale.
 */
async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'error',
    DATABASE_URL: 'sqlite::memory:',
    SYNC_CRON: 'off',
    WEBHOOK_CHECK_CRON: 'off',
    INBOX_PROCESSOR: 'false',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error'], bodyParser: false });
  await app.init();
  try {
    writeFileSync(SCHEMA_FILE, schemaFileOf(app));
    process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `schema:print failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
