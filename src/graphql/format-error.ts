import { unwrapResolverError } from '@apollo/server/errors';
import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DatabaseUnavailableError } from '../database/database';
import { ErrorCode } from './graphql-errors';

const logger = new Logger('GraphQL');

/**
 * What a client sees of an error: coded errors (ours, GraphQL validation, Nest's HTTP exceptions) as
 * they are; a database outage as DATABASE_UNAVAILABLE; anything else as a bare internal error, logged
 * here with its details so no SQL or stack trace reaches the client.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DatabaseUnavailableError) {
    return {
      message: 'database unavailable, retry later',
      path: formatted.path,
      extensions: { code: ErrorCode.DATABASE_UNAVAILABLE },
    };
  }
  const code = formatted.extensions?.code;
  const isOurs =
    original instanceof GraphQLError ||
    (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR);
  if (isOurs) {
    const { stacktrace: _stacktrace, ...extensions } = (formatted.extensions ?? {}) as Record<
      string,
      unknown
    >;
    return { ...formatted, extensions };
  }
  logger.error(
    `unexpected error at ${formatted.path?.join('.') ?? 'request'}: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`,
  );
  return {
    message: 'internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
