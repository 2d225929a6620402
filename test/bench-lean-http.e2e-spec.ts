import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { LeanHttpClient } from '../bench/support/lean-http';

/** The bench's load generator client against a real node:http server. */
describe('LeanHttpClient (bench load generator)', () => {
  let server: Server;
  let port: number;
  const sockets = new Set<string>();
  let bodies: string[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(`${req.socket.remotePort}`);
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        bodies.push(body);
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    sockets.clear();
    bodies = [];
  });

  it('sends each body whole, reads each status, and reuses at most `connections` keep-alive connections', async () => {
    handler = (req, res, body) => {
      const status = body.includes('"fail"') ? 503 : 200;
      const text = JSON.stringify({
        status: 'stored',
        echo: body.length,
        path: req.url,
        type: req.headers['content-type'],
      });
      // Answers in two writes, so the client has to wait for the whole body.
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.write(text.slice(0, 5));
      setTimeout(() => res.end(text.slice(5)), 2);
    };
    const client = new LeanHttpClient('127.0.0.1', port, 3, 2000);
    const sent = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ i, text: `é ${'x'.repeat(i * 100)}`, kind: i % 10 === 9 ? 'fail' : 'ok' }),
    );
    const statuses = await Promise.all(sent.map((body) => client.post('/aircall/webhook', body)));
    client.close();
    expect(statuses).toEqual(sent.map((_, i) => (i % 10 === 9 ? 503 : 200)));
    expect(bodies.sort()).toEqual([...sent].sort());
    expect(sockets.size).toBeLessThanOrEqual(3);
  });

  it('opens a new connection after the server answers with Connection: close', async () => {
    handler = (_req, res) => {
      res.setHeader('Connection', 'close');
      res.writeHead(413, { 'content-length': 2 });
      res.end('no');
    };
    const client = new LeanHttpClient('127.0.0.1', port, 1, 2000);
    expect(await client.post('/x', '{}')).toBe(413);
    expect(await client.post('/x', '{}')).toBe(413);
    client.close();
    expect(sockets.size).toBe(2);
  });

  it('rejects a request the server leaves unanswered past the timeout, and one it cannot connect for', async () => {
    handler = () => undefined; // never answers
    const client = new LeanHttpClient('127.0.0.1', port, 1, 100);
    await expect(client.post('/x', '{}')).rejects.toThrow('timeout');
    client.close();
    const nowhere = new LeanHttpClient('127.0.0.1', 9, 1, 100);
    await expect(nowhere.post('/x', '{}')).rejects.toThrow();
    nowhere.close();
  });
});
