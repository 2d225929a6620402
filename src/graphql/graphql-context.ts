import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { AuthenticatedApiKey } from '../auth/authenticated-api-key';
import { RequestLoaders } from './request-loaders';

/** What every resolver can rely on: the authenticated key and the request's DataLoaders. */
export interface GraphqlContext {
  req: Request;
  /** The request's id (X-Request-Id), for log lines: queries run without a logging context. */
  requestId: string | undefined;
  apiKey: AuthenticatedApiKey;
  loaders: RequestLoaders;
}

/** `@Loaders() loaders: RequestLoaders` in a resolver method. */
export const Loaders = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    GqlExecutionContext.create(context).getContext<GraphqlContext>().loaders,
);
