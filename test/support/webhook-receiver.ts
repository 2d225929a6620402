import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface WebhookReceiver<T> {
  url: string;
  /** Every delivery's JSON body, in arrival order. */
  received: T[];
  close(): Promise<void>;
}

/** A webhook endpoint on a free loopback port that answers 200 and keeps every delivery it gets. */
export async function startWebhookReceiver<T = Record<string, unknown>>(): Promise<WebhookReceiver<T>> {
  const received: T[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
