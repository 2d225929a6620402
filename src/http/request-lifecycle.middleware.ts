import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { openRequestContext } from '../logging/request-context';
import { MetricsService } from '../metrics/metrics.service';
import { recordHttpRequest } from './http-metrics';
import { InFlightRequests } from './in-flight-requests';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';

/** Aircall's deliveries arrive by the thousand: their access lines are debug, everything else is logged. */
const HIGH_VOLUME_PATHS = new Set(['/aircall/webhook']);
/**
 * Routes that open no logging context here (see openRequestContext for the cost it avoids): webhook
 * deliveries stamp their own lines; GraphQL opens one for mutations only (apollo-express-handler).
 */
const WITHOUT_CONTEXT = new Set(['/aircall/webhook', '/graphql']);

/**
 * The first middleware of every request: gives it an id (the caller's X-Request-Id or a new one,
 * echoed in the response), runs the rest of the request inside that id's logging context (except on
 * the high-volume routes), tracks it for graceful shutdown and writes one access line when it ends
 * (request id, method, path without the query string — OAuth callbacks carry codes there — status
 * and milliseconds).
 */
export function requestLifecycle(inFlight: InFlightRequests, metrics: MetricsService) {
  const logger = new Logger('HTTP');
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const started = process.hrtime.bigint();
    const path = (req.originalUrl ?? req.url).split('?')[0];
    res.setHeader(REQUEST_ID_HEADER, requestId);
    inFlight.track(res);
    const context = WITHOUT_CONTEXT.has(path) ? null : openRequestContext({ requestId });
    let logged = false;
    const finished = () => {
      if (logged) return;
      logged = true;
      context?.release();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // A client that hung up before the answer gets status 499 in the log (nginx's convention).
      const status = res.writableFinished ? res.statusCode : 499;
      recordHttpRequest(metrics, req.method, path, status, ms);
      const line = {
        msg: 'request',
        requestId,
        method: req.method,
        path,
        status,
        ms: Math.round(ms * 10) / 10,
      };
      if (HIGH_VOLUME_PATHS.has(path)) logger.debug(line);
      else if (status >= 500) logger.warn(line);
      else logger.log(line);
    };
    res.once('finish', finished);
    res.once('close', finished);
    if (context) context.run(next);
    else next();
  };
}
