import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { configureApp } from './http/configure-app';
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
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  configureApp(app, config);
  app.enableShutdownHooks();
  await app.listen(config.PORT);
  logger.log({ msg: 'aircall-sync listening', port: config.PORT, database: config.DATABASE_URL.split(':')[0] }, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`aircall-sync failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
