import 'reflect-metadata';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { loadConfig } from '../../src/config/app-config';
import { createDataSource } from '../../src/database/database-options';
import { Database } from '../../src/database/database';
import { MetricsService } from '../../src/metrics/metrics.service';
import { parseEnvelope } from '../../src/webhooks/webhook-envelope';
import { UnknownWebhookTokenError, WebhookInbox } from '../../src/webhooks/webhook-inbox';
import { sha256Hex } from '../../src/crypto/hashing';

/**
 * Reference "raw node:http": the service's own ingestion path — the same token cache, envelope
 * validation and group-committed WebhookInbox on the same pool settings — behind a bare node:http
 * handler instead of NestJS + Express. The gap between this and the service is what the HTTP
 * framework costs. Started as its own process (env: DATABASE_URL, PORT, ENCRYPTION_KEY and the INBOX_* settings of the service).
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function main(): Promise<void> {
  const dataSource = createDataSource(process.env.DATABASE_URL!);
  await dataSource.initialize();
  const db = new Database(dataSource);
  const inbox = new WebhookInbox(db, new MetricsService(), loadConfig());
  const server = createServer((req, res) => {
    const receivedAt = new Date();
    void (async () => {
      try {
        const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
        if (typeof body.token !== 'string') return reply(res, 401, { error: 'missing webhook token' });
        await inbox.store({ tokenHash: sha256Hex(body.token), envelope: parseEnvelope(body), receivedAt });
        reply(res, 200, { status: 'stored' });
      } catch (error) {
        if (error instanceof UnknownWebhookTokenError)
          return reply(res, 401, { error: 'unknown webhook token' });
        reply(res, 503, { error: String(error) });
      }
    })();
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => void dataSource.destroy().then(() => process.exit(0))));
}

void main();
