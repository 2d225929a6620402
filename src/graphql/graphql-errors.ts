import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * The one place where GraphQL errors get their codes, so clients can branch on `extensions.code`
 * and HTTP statuses stay consistent (401 for a missing/unknown key is decided before execution).
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** A statement of the request ran past READ_STATEMENT_TIMEOUT_MS and was stopped. */
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  NOT_FOUND: 'NOT_FOUND',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
} as const;

/** Thrown while building the request context: Apollo answers with HTTP 401 and this body. */
export function unauthenticated(
  message = 'missing or invalid API key: send "Authorization: Bearer <api key>"',
): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.UNAUTHENTICATED,
      http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer realm="aircall-sync"']]) },
    },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** An argument or input field the caller got wrong; `field` is its path, e.g. `filter.phone` or `first`. */
export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}
