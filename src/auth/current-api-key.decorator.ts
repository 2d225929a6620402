import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { unauthenticated } from '../graphql/graphql-errors';
import { AuthenticatedApiKey } from './authenticated-api-key';

/** The key the request was authenticated with (set on the GraphQL context before execution). */
export function apiKeyOf(context: ExecutionContext): AuthenticatedApiKey {
  const key = GqlExecutionContext.create(context).getContext<{ apiKey?: AuthenticatedApiKey }>().apiKey;
  if (!key) throw unauthenticated();
  return key;
}

/** `@CurrentApiKey() key: AuthenticatedApiKey` — `{ id, role, accountIds }` of the caller. */
export const CurrentApiKey = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  apiKeyOf(context),
);
