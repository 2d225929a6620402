import { Global, Module } from '@nestjs/common';
import { InFlightRequests } from './in-flight-requests';
import { OpsListener } from './ops-listener';

/**
 * HTTP plumbing shared by every route: request ids and access logs (request-lifecycle.middleware.ts,
 * wired in configure-app.ts), in-flight tracking and graceful shutdown (graceful-shutdown.ts), and
 * where the operations endpoints listen (ops-listener.ts).
 */
@Global()
@Module({ providers: [InFlightRequests, OpsListener], exports: [InFlightRequests, OpsListener] })
export class HttpModule {}
