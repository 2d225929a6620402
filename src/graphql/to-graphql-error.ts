import { GraphQLError } from 'graphql';
import { AircallAuthError, AircallError } from '../aircall/aircall-errors';
import { DatabaseUnavailableError, StatementTimeoutError } from '../database/database';
import { DomainError } from '../errors/domain-errors';
import { ErrorCode, unauthenticated } from './graphql-errors';

/**
 * The one place where failures become GraphQL errors: each domain error kind gets its code (and
 * `field` for invalid input), Aircall's refusals and database outages theirs. Anything else is
 * returned as it is, and the formatter answers it as a bare internal error (format-error.ts).
 */
export function toGraphqlError(error: unknown): unknown {
  if (error instanceof GraphQLError) return error;
  if (error instanceof DomainError) {
    switch (error.kind) {
      case 'invalid_input':
        return coded(error.message, ErrorCode.BAD_USER_INPUT, { field: (error as { field?: string }).field });
      case 'not_found':
        return coded(error.message, error.code ?? ErrorCode.NOT_FOUND);
      case 'not_allowed':
        return coded(error.message, error.code ?? ErrorCode.FORBIDDEN);
      case 'not_authenticated':
        return unauthenticated(error.message);
      case 'conflict':
        return coded(error.message, error.code ?? ErrorCode.CONFLICT);
      case 'upstream':
        return coded(`Aircall request failed: ${error.message}`, error.code ?? ErrorCode.AIRCALL_ERROR);
    }
  }
  if (error instanceof AircallAuthError)
    return coded(
      'Aircall refused the account credentials; connect the account again',
      ErrorCode.AIRCALL_UNAUTHORIZED,
      {
        status: error.status,
      },
    );
  if (error instanceof AircallError)
    return coded(`Aircall request failed: ${error.message}`, ErrorCode.AIRCALL_ERROR, {
      status: error.status,
    });
  if (error instanceof StatementTimeoutError)
    return coded(
      `a database statement of this request ran longer than ${error.limitMs} ms and was stopped; narrow the filter or ask for fewer items`,
      ErrorCode.QUERY_TIMEOUT,
    );
  if (error instanceof DatabaseUnavailableError)
    return coded('database unavailable, retry later', ErrorCode.DATABASE_UNAVAILABLE);
  return error;
}

function coded(message: string, code: string, extra: Record<string, unknown> = {}): GraphQLError {
  const extensions: Record<string, unknown> = { code };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) extensions[key] = value;
  return new GraphQLError(message, { extensions });
}
