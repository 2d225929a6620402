import { AsyncResource } from 'node:async_hooks';
import { INestApplication } from '@nestjs/common';
import type { Express, NextFunction, Request, Response } from 'express';
import { json } from 'express';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import type { Server } from 'node:http';
import { InFlightRequests } from '../http/in-flight-requests';
import { OpsListener } from '../http/ops-listener';
import { requestLifecycle } from '../http/request-lifecycle.middleware';
import { mountWebhookRoute, WEBHOOK_PATH } from '../webhooks/webhook-route';

/**
 * HTTP wiring shared by main.ts and the e2e tests, so tests run the same stack as production.
 * Every request first gets its id, logging context and in-flight tracking (request-lifecycle).
 * POST /aircall/webhook is then served by the WebhookReceiver straight from node:http (it parses
 * its own body: size limit, 400/413 mapping); everything else goes to Express (GraphQL gets a JSON
 * parser).
 */
export function configureApp(app: INestApplication, config: AppConfig): INestApplication {
  const http = app.getHttpAdapter().getInstance() as Express;
  http.disable('x-powered-by');
  // No ETag: the routes answer authenticated POSTs and live data; hashing every GraphQL answer bought nothing.
  http.set('etag', false);
  http.set('trust proxy', true);
  const lifecycle = requestLifecycle(
    app.get(InFlightRequests, { strict: false }),
    app.get(MetricsService, { strict: false }),
  );
  app.use(lifecycle);
  app.use(app.get(OpsListener, { strict: false }).guard());
  // Aircall's deliveries bypass Express (the hot path); they get the same lifecycle.
  mountWebhookRoute(app, (req, res, next) => lifecycle(req as Request, res as Response, next));
  // Slow or idle clients cannot hold every socket: a bounded number of connections, each with a
  // deadline for its headers and for its whole request (a 4 MiB delivery on a slow link included).
  const server = app.getHttpServer() as Server;
  server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  // GraphQL documents and variables: a calls page is about 1 kB, replaying 1,000 events about 40 kB.
  const parseJson = json({ limit: '256kb' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === WEBHOOK_PATH) return next();
    // The parser calls `next` from a stream event, outside the request's async context: bind it
    // back so the handlers' log lines still carry the request id.
    return parseJson(req, res, AsyncResource.bind(next));
  });
  return app;
}
