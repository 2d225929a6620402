import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppConfig } from '../config/app-config';
import { constantTimeEqual, sha256Hex } from '../crypto/hashing';

/** The operations endpoints: readiness and Prometheus metrics. */
export const OPS_PATHS: ReadonlySet<string> = new Set(['/health', '/metrics']);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Where /health and /metrics are served and who may read them. They name every account and its sync
 * errors: with OPS_PORT they move to a listener of their own (the public port answers 404 for them),
 * with OPS_TOKEN they need `Authorization: Bearer <OPS_TOKEN>`.
 */
@Injectable()
export class OpsListener implements OnApplicationShutdown {
  private readonly logger = new Logger(OpsListener.name);
  private server: Server | null = null;
  private readonly tokenHash: string | null;

  constructor(private readonly config: AppConfig) {
    this.tokenHash = config.OPS_TOKEN ? sha256Hex(config.OPS_TOKEN) : null;
  }

  /** The port the ops listener listens on, once it does (null when /health is on the public port). */
  get port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  /** Express middleware of the public app: keeps the ops paths to their listener and their token. */
  guard(): (req: Request, res: Response, next: NextFunction) => void {
    return (req, res, next) => {
      if (!OPS_PATHS.has(req.path)) return next();
      const onOpsPort = this.server !== null && req.socket.localPort === this.port;
      if (this.config.OPS_PORT !== undefined && !onOpsPort) {
        res.status(404).json({ error: 'not found' });
        return;
      }
      if (this.tokenHash !== null && !this.authorised(req.headers.authorization)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="aircall-sync operations"');
        res.status(401).json({ error: 'send Authorization: Bearer <OPS_TOKEN>' });
        return;
      }
      next();
    };
  }

  /** Starts the OPS_PORT listener, passing its requests for the ops paths to `handler` (the app's). */
  async listen(handler: Handler): Promise<void> {
    if (this.config.OPS_PORT === undefined) return;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && OPS_PATHS.has(path)) return handler(req, res);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.OPS_PORT, this.config.OPS_HOST, () => resolve());
    });
    this.server = server;
    this.logger.log({ msg: 'operations endpoints listening', port: this.port, host: this.config.OPS_HOST });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private authorised(header: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return (
      match !== null && this.tokenHash !== null && constantTimeEqual(sha256Hex(match[1]), this.tokenHash)
    );
  }
}
