import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { NotAuthenticatedError } from '../errors/domain-errors';
import { AuthenticatedApiKey } from './authenticated-api-key';

/** What a request without a usable API key is told. */
export const MISSING_API_KEY = 'missing or invalid API key: send "Authorization: Bearer <api key>"';

/** The key the request was authenticated with (set on the GraphQL context before execution). */
export function apiKeyOf(context: ExecutionContext): AuthenticatedApiKey {
  const key = GqlExecutionContext.create(context).getContext<{ apiKey?: AuthenticatedApiKey }>().apiKey;
  if (!key) throw new NotAuthenticatedError(MISSING_API_KEY);
  return key;
}

/** `@CurrentApiKey() key: AuthenticatedApiKey` — `{ id, role, accountIds }` of the caller. */
export const CurrentApiKey = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  apiKeyOf(context),
);
