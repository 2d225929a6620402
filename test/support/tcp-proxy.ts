import { AddressInfo, createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of the database server, so a test can make the database "go down" for the
 * service (every connection cut, new ones refused) without stopping the server other suites use.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await proxy.listen(0);
    return proxy;
  }

  /** While true, bytes are held in both directions (and new connections not forwarded): a hung server. */
  private silent = false;
  private readonly held: Array<() => void> = [];

  private listen(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      const connect = () => upstream.connect(this.targetPort, this.targetHost);
      if (this.silent) this.held.push(connect);
      else connect();
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      this.forward(client, upstream);
      this.forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve) =>
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  /** Copies `from` to `to`, holding the bytes while the proxy is silent. */
  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.silent) this.held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  }

  /**
   * The server stops answering without closing anything: connections stay open, bytes are held (and
   * delivered, in order, by speak()), new connections are accepted but reach nothing.
   */
  silence(): void {
    this.silent = true;
  }

  /** Delivers what was held and forwards again. */
  speak(): void {
    this.silent = false;
    for (const release of this.held.splice(0)) release();
  }

  /** Cuts every open connection and refuses new ones. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepts connections again on the same port. */
  async up(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.down();
  }
}
