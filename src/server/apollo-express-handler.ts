import type { ApolloServer, BaseContext, ContextFunction, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { requestIdOf } from '../http/request-id';
import { openRequestContext } from '../logging/request-context';

export interface ExpressContextArgs {
  req: Request;
  res: Response;
}

/**
 * Serves an ApolloServer on an Express 5 route. This is what `@as-integrations/express5` does (the
 * package @nestjs/apollo loads for Express): Apollo Server 5 no longer ships Express support itself, and
 * keeping the ~40 lines here spares the service one more dependency on the request path.
 */
export function apolloExpressHandler<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  context: ContextFunction<[ExpressContextArgs], TContext>,
): RequestHandler {
  server.assertStarted('apolloExpressHandler()');
  return (req: Request, res: Response, next: NextFunction) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const queryStart = req.originalUrl.indexOf('?');
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method.toUpperCase(),
      headers,
      search: queryStart >= 0 ? req.originalUrl.slice(queryStart) : '',
      body: (req.body as unknown) ?? {},
    };
    const execute = () =>
      server
        .executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context({ req, res }) })
        .then(async (response) => {
          for (const [name, value] of response.headers) res.setHeader(name, value);
          res.statusCode = response.status ?? 200;
          if (response.body.kind === 'complete') {
            res.send(response.body.string);
            return;
          }
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        })
        .catch(next);
    if (!mayMutate(req.body)) return void execute();
    // Mutations (admin work: connecting accounts, syncs) log from deep inside services: they run in
    // the request's logging context. Queries, the high-volume part, do without (see openRequestContext).
    const requestContext = openRequestContext({ requestId: requestIdOf(res) ?? '' });
    res.once('close', requestContext.release);
    void requestContext.run(execute);
  };
}

/** False only for a plain query document with no `mutation` keyword (persisted or batched requests count as mutations). */
export function mayMutate(body: unknown): boolean {
  const query = (body as { query?: unknown } | null)?.query;
  return typeof query !== 'string' || /\bmutation\b/.test(query);
}
