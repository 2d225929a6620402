import { connect, Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;
const CONNECTION_CLOSE = /\r\nconnection:\s*close/i;

interface Pending {
  request: string;
  resolve: (status: number) => void;
  reject: (error: Error) => void;
}

/** One keep-alive connection with at most one request in flight (no pipelining, as a browser or Aircall). */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private current: (Pending & { timer: NodeJS.Timeout }) | null = null;
  closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
    private readonly released: (connection: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  send(pending: Pending): void {
    const timer = setTimeout(() => {
      this.fail(new Error('timeout'));
      this.socket.destroy();
    }, this.timeoutMs);
    this.current = { ...pending, timer };
    this.socket.write(pending.request);
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const current = this.current;
    if (!current) return;
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const length = Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
    const total = headerEnd + HEADER_END.length + length;
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    clearTimeout(current.timer);
    this.current = null;
    const status = Number(head.slice(9, 12));
    if (CONNECTION_CLOSE.test(head)) {
      this.closed = true;
      this.socket.destroy();
    }
    current.resolve(status);
    if (!this.closed) this.released(this);
  }

  private fail(error: Error): void {
    this.closed = true;
    const current = this.current;
    this.current = null;
    if (current) {
      clearTimeout(current.timer);
      current.reject(error);
    }
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/**
 * A minimal HTTP/1.1 client for the paced load: up to `connections` keep-alive connections, one request
 * in flight on each, requests beyond that wait for a free one (as node:http's Agent with maxSockets
 * does). Each request is written in one piece, pre-formatted, and an answer is read only as far as its
 * status line, Content-Length and Connection headers. The generator shares the machine with the
 * service and the database: node:http's client cost it ≈ 0.3 cores at 2,600 requests/s, CPU the
 * server under test could not use.
 */
export class LeanHttpClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Pending[] = [];
  private opening = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly connections: number,
    private readonly timeoutMs: number,
  ) {}

  /** POSTs `body` (JSON) to `path`; resolves with the status code, rejects on a network error or timeout. */
  post(path: string, body: string, headers: Record<string, string> = {}): Promise<number> {
    let head = `POST ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ request: `${head}\r\n${body}`, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const connection = this.idle.pop();
      if (!connection) break;
      if (connection.closed) continue;
      connection.send(this.waiting.shift()!);
    }
    // Open connections for the requests still waiting, up to the limit.
    while (this.waiting.length > this.opening && this.all.size + this.opening < this.connections) this.open();
  }

  private open(): void {
    this.opening++;
    const socket = connect({ host: this.host, port: this.port });
    const connection = new Connection(socket, this.timeoutMs, (c) => {
      this.idle.push(c);
      this.dispatch();
    });
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      this.opening--;
      this.all.add(connection);
      this.idle.push(connection);
      this.dispatch();
    });
    socket.once('close', () => {
      if (!connected) {
        this.opening--;
        // The connection could not be made: the oldest waiting request fails rather than wait forever.
        this.waiting.shift()?.reject(new Error('connect failed'));
      }
      this.all.delete(connection);
      this.dispatch();
    });
  }

  close(): void {
    for (const connection of this.all) connection.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}
