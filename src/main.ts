import './threadpool-size';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getHeapStatistics } from 'node:v8';
import { AppModule } from './app.module';
import { AdminAccess, firstAdminKeyBanner } from './auth/admin-access';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { configureApp } from './server/configure-app';
import { GracefulShutdown } from './http/graceful-shutdown';
import { OpsListener } from './http/ops-listener';
import { JsonLogger } from './logging/json-logger';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = new JsonLogger(config.LOG_LEVEL);
  // A promise nobody awaited failed: log it (a bug to fix) rather than take down the webhooks being stored.
  process.on('unhandledRejection', (reason) => {
    logger.error(
      {
        msg: 'unhandled promise rejection',
        error: reason instanceof Error ? reason.message : String(reason),
      },
      'Process',
    );
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  // Before listening: a start nobody could use (production without any admin key) stops here.
  const access = await app.get(AdminAccess).ensure();
  // Straight to stderr, whatever LOG_LEVEL says: a key the log level hid would be lost for good.
  if (access.kind === 'generated') process.stderr.write(firstAdminKeyBanner(access.created.key));
  configureApp(app, config);
  // Our own signal handling instead of enableShutdownHooks(): in-flight requests are drained before
  // Nest's shutdown hooks run (see GracefulShutdown); app.close() still runs every hook.
  new GracefulShutdown(app, { logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }).install();
  await app.listen(config.PORT);
  await app.get(OpsListener).listen(app.getHttpAdapter().getInstance());
  logger.log(
    {
      msg: 'aircall-sync listening',
      port: config.PORT,
      pid: process.pid,
      database: config.DATABASE_URL.split(':')[0],
      // npm start sets it to 1024 (SERVICE_NODE_FLAGS); Node's default grows with the machine's memory.
      heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
    },
    'Bootstrap',
  );
  if (config.NODE_ENV === 'production' && config.OPS_PORT === undefined && !config.OPS_TOKEN)
    logger.warn(
      {
        msg: '/health and /metrics are public on PORT and name every account: set OPS_PORT (an internal port) or OPS_TOKEN',
      },
      'Bootstrap',
    );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `aircall-sync failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
