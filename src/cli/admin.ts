import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-errors';
import { JsonLogger } from '../logging/json-logger';
import { AdminCliModule } from './admin-cli.module';
import {
  ADMIN_USAGE,
  ParsedCommand,
  parseAdminArguments,
  runAdminCommand,
  UsageError,
} from './admin-commands';

/** `npm run admin -- <command>`: see ADMIN_USAGE. */
async function main(argv: readonly string[]): Promise<number> {
  let parsed: ParsedCommand;
  try {
    parsed = parseAdminArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${ADMIN_USAGE}\n`);
    return 2;
  }
  if (parsed.command === 'help') {
    process.stdout.write(`${ADMIN_USAGE}\n`);
    return 0;
  }
  let config: AppConfig;
  try {
    // No schedule runs here, and GraphQL reads never do: no reader threads to start.
    config = loadConfig({
      ...process.env,
      WEBHOOK_CHECK_CRON: 'off',
      SYNC_CRON: 'off',
      SQLITE_READ_THREADS: '0',
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(AdminCliModule.forRoot(config), {
    logger: new JsonLogger(
      config.LOG_LEVEL === 'silent' || config.LOG_LEVEL === 'error' ? config.LOG_LEVEL : 'warn',
    ),
    abortOnError: false,
  });
  // Ctrl-C: Nest's shutdown hooks stop a sync at its next page boundary before the process exits.
  app.enableShutdownHooks();
  try {
    const output = await runAdminCommand(app, parsed);
    process.stdout.write(
      `${parsed.flags.has('json') ? JSON.stringify(output.json, null, 2) : output.text}\n`,
    );
    return output.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${ADMIN_USAGE}\n`);
      return 2;
    }
    if (error instanceof DomainError) {
      process.stderr.write(`${parsed.command} failed: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`admin failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
