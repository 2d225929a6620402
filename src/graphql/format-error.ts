import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { HttpException, Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DatabaseUnavailableError } from '../database/database';
import type { GraphqlContext } from './graphql-context';
import { ErrorCode } from './graphql-errors';

const logger = new Logger('GraphQL');

/** Errors already logged with their request id by the plugin below, so formatError does not log them again. */
const logged = new WeakSet<object>();

/** Coded errors (ours, GraphQL validation, Nest's HTTP exceptions) and outages are expected; anything else is a bug. */
function isUnexpected(error: unknown, code: unknown = (error as GraphQLError)?.extensions?.code): boolean {
  const original = unwrapResolverError(error);
  if (
    original instanceof DatabaseUnavailableError ||
    original instanceof GraphQLError ||
    original instanceof HttpException
  )
    return false;
  return !(typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR);
}

function describe(error: unknown, path: readonly (string | number)[] | undefined): string {
  const original = unwrapResolverError(error);
  return `unexpected error at ${path?.join('.') ?? 'request'}: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`;
}

/**
 * Logs the unexpected errors of an operation with the id of the request (GraphQL queries run without
 * a logging context, see openRequestContext).
 */
export const unexpectedErrorLogPlugin: ApolloServerPlugin<GraphqlContext> = {
  requestDidStart: () =>
    Promise.resolve({
      didEncounterErrors: ({ errors, contextValue }) => {
        for (const error of errors) {
          if (!isUnexpected(error)) continue;
          logged.add(error);
          logger.error({ msg: describe(error, error.path), requestId: contextValue.requestId });
        }
        return Promise.resolve();
      },
    }),
};

/**
 * What a client sees of an error: coded errors as they are; a database outage as
 * DATABASE_UNAVAILABLE; anything else as a bare internal error, logged (by the plugin above, or here
 * when it failed before the operation started) so no SQL or stack trace reaches the client.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (unwrapResolverError(error) instanceof DatabaseUnavailableError) {
    return {
      message: 'database unavailable, retry later',
      path: formatted.path,
      extensions: { code: ErrorCode.DATABASE_UNAVAILABLE },
    };
  }
  if (!isUnexpected(error, formatted.extensions?.code)) {
    const { stacktrace: _stacktrace, ...extensions } = (formatted.extensions ?? {}) as Record<
      string,
      unknown
    >;
    return { ...formatted, extensions };
  }
  if (!(typeof error === 'object' && error !== null && logged.has(error)))
    logger.error(describe(error, formatted.path));
  return {
    message: 'internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
