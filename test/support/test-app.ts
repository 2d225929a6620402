import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AddressInfo } from 'node:net';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { configureApp } from '../../src/server/configure-app';
import { OpsListener } from '../../src/http/ops-listener';
import { JsonLogger } from '../../src/logging/json-logger';

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** The OPS_PORT listener's URL, when OPS_PORT is set. */
  opsUrl: string | null;
  get<T>(token: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/** The real AppModule on a real port, configured like production except where `env` says otherwise. */
export async function startTestApp(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    SYNC_CRON: 'off',
    AIRCALL_API_URL: 'http://127.0.0.1:9',
    AIRCALL_DASHBOARD_URL: 'http://127.0.0.1:9',
    INBOX_POLL_MS: '50',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({
    bodyParser: false,
    logger: new JsonLogger(config.LOG_LEVEL),
  });
  configureApp(app, config);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const ops = app.get(OpsListener);
  await ops.listen(app.getHttpAdapter().getInstance());
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    opsUrl: ops.port === null ? null : `http://127.0.0.1:${ops.port}`,
    get: (token) => app.get(token, { strict: false }),
    close: () => app.close(),
  };
}
