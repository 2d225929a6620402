import { INestApplication } from '@nestjs/common';
import { json } from 'express';
import { AppConfig } from '../config/app-config';

/**
 * HTTP wiring shared by main.ts and the e2e tests, so tests run the same stack as production.
 * Body parsing is set per route: the webhook route parses its own body (size limit, 400/413 mapping);
 * everything else (GraphQL) gets a JSON parser.
 */
export function configureApp(app: INestApplication, config: AppConfig): INestApplication {
  const http = app.getHttpAdapter().getInstance() as import('express').Express;
  http.disable('x-powered-by');
  http.set('trust proxy', true);
  app.use((req: import('express').Request, res: import('express').Response, next: import('express').NextFunction) => {
    if (req.path === '/aircall/webhook') return next();
    return json({ limit: '1mb' })(req, res, next);
  });
  void config;
  return app;
}
