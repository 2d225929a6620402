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
  /** The request is valid but the state it acts on does not allow it. */
  CONFLICT: 'CONFLICT',
  /** Aircall refused the account's credentials. */
  AIRCALL_UNAUTHORIZED: 'AIRCALL_UNAUTHORIZED',
  /** Aircall answered an error, or an answer the service cannot use. */
  AIRCALL_ERROR: 'AIRCALL_ERROR',
  /** The account holds no credentials (disconnected, or its app uninstalled). */
  ACCOUNT_DISCONNECTED: 'ACCOUNT_DISCONNECTED',
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
