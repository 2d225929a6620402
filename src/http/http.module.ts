import { Global, Module } from '@nestjs/common';
import { InFlightRequests } from './in-flight-requests';

/**
 * HTTP plumbing shared by every route: request ids and access logs (request-lifecycle.middleware.ts,
 * wired in configure-app.ts), in-flight tracking and graceful shutdown (graceful-shutdown.ts).
 */
@Global()
@Module({ providers: [InFlightRequests], exports: [InFlightRequests] })
export class HttpModule {}
