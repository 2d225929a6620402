import { INestApplication } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { WebhookReceiver } from './webhook-receiver';

export const WEBHOOK_PATH = '/aircall/webhook';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
/** Wraps a request in the app's per-request plumbing (request id, logs, in-flight tracking, metrics). */
type Lifecycle = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

function isWebhook(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || !req.url) return false;
  return req.url === WEBHOOK_PATH || req.url.startsWith(`${WEBHOOK_PATH}?`);
}

/**
 * Puts POST /aircall/webhook in front of Express on the application's own HTTP server: the request
 * still goes through the same lifecycle (request id, access log, metrics, graceful-shutdown
 * tracking), then straight to the WebhookReceiver; every other request goes to Express as before.
 */
export function mountWebhookRoute(app: INestApplication, lifecycle: Lifecycle): void {
  const server = app.getHttpServer() as Server;
  const receiver = app.get(WebhookReceiver, { strict: false });
  const fallbacks = server.listeners('request') as Listener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (isWebhook(req)) {
      lifecycle(req, res, () => void receiver.receive(req, res));
      return;
    }
    for (const listener of fallbacks) listener(req, res);
  });
}
