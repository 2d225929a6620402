import { connect, Socket } from 'node:net';
import { Database } from '../src/database/database';
import { aCall, envelope } from './support/aircall-builders';
import { seedAccount } from './support/seed';
import { startTestApp, TestApp } from './support/test-app';

const OPS_TOKEN = 'ops-suite-token-0123456789abcdefABCDEF';
const TOKEN = 'ops-suite-webhook-token-5d1f';

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, redirect: 'manual' });

/** Opens a TCP connection and resolves once it is up, or with null when the server closes it first. */
function openSocket(port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let settled = false;
    socket.once('connect', () => {
      // A refused connection (past maxConnections) is accepted by the kernel, then closed at once.
      setTimeout(() => {
        if (!settled) {
          settled = true;
          resolve(socket);
        }
      }, 100);
    });
    socket.once('close', () => {
      if (!settled) {
        settled = true;
        resolve(null);
      }
    });
    socket.once('error', () => undefined);
  });
}

describe('Operations endpoints: their own port and token, bounded labels and connections', () => {
  describe('OPS_PORT and OPS_TOKEN', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp('sqlite::memory:', { OPS_PORT: '0', OPS_HOST: '127.0.0.1', OPS_TOKEN });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('serves /health and /metrics only on the ops port, and only with the token', async () => {
      expect(app.opsUrl).not.toBeNull();
      for (const path of ['/health', '/metrics']) {
        expect([path, (await get(`${app.baseUrl}${path}`)).status]).toEqual([path, 404]);
        expect([
          path,
          (await get(`${app.baseUrl}${path}`, { authorization: `Bearer ${OPS_TOKEN}` })).status,
        ]).toEqual([path, 404]);
        const anonymous = await get(`${app.opsUrl}${path}`);
        expect([path, anonymous.status]).toEqual([path, 401]);
        expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect([
          path,
          (await get(`${app.opsUrl}${path}`, { authorization: 'Bearer wrong-token-0123456789abcdef' }))
            .status,
        ]).toEqual([path, 401]);
        expect([
          path,
          (await get(`${app.opsUrl}${path}`, { authorization: `Bearer ${OPS_TOKEN}` })).status,
        ]).toEqual([path, 200]);
      }
    });

    it('serves nothing else on the ops port, and the webhook, OAuth and GraphQL on the public one', async () => {
      for (const path of ['/graphql', '/aircall/webhook', '/oauth/install'])
        expect([
          path,
          (await get(`${app.opsUrl}${path}`, { authorization: `Bearer ${OPS_TOKEN}` })).status,
        ]).toEqual([path, 404]);
      const webhook = await fetch(`${app.baseUrl}/aircall/webhook`, { method: 'POST', body: '{}' });
      expect(webhook.status).toBe(401);
      expect((await get(`${app.baseUrl}/oauth/install`)).status).not.toBe(404);
    });
  });

  describe('tenant input and anonymous clients', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp('sqlite::memory:', {
        AIRCALL_CLIENT_ID: 'ops-suite-client',
        AIRCALL_CLIENT_SECRET: 'ops-suite-client-secret',
        INBOX_PROCESSOR: 'false',
      });
      await seedAccount(app.get(Database), { id: '9400', webhookToken: TOKEN });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('folds event names it does not know into one metrics label', async () => {
      for (let i = 0; i < 40; i++) {
        const res = await fetch(`${app.baseUrl}/aircall/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            envelope(`made.up.event_${i}`, aCall({ id: 99_000 + i }).build(), 1_717_236_000, TOKEN),
          ),
        });
        expect(res.status).toBe(200);
      }
      const metrics = await (await get(`${app.baseUrl}/metrics`)).text();
      expect(metrics).not.toMatch(/made\.up\.event/);
      expect(metrics).toMatch(/aircall_webhook_events_received_total\{event="other"\} 40/);
    });

    it('writes nothing for anonymous hits on /oauth/install', async () => {
      const db = app.get(Database);
      for (let i = 0; i < 50; i++) expect((await get(`${app.baseUrl}/oauth/install`)).status).toBe(302);
      const [row] = await db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM oauth_states');
      expect(Number(row.n)).toBe(0);
    });
  });

  describe('open connections', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp('sqlite::memory:', { HTTP_MAX_CONNECTIONS: '10', INBOX_PROCESSOR: 'false' });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('keeps at most HTTP_MAX_CONNECTIONS connections open, and serves again once they close', async () => {
      const port = Number(new URL(app.baseUrl).port);
      const held: Socket[] = [];
      for (let i = 0; i < 10; i++) {
        const socket = await openSocket(port);
        expect(socket).not.toBeNull();
        held.push(socket!);
      }
      expect(await openSocket(port)).toBeNull();
      held.forEach((socket) => socket.destroy());
      await new Promise((r) => setTimeout(r, 50));
      expect((await get(`${app.baseUrl}/health`)).status).toBe(200);
    });
  });
});
