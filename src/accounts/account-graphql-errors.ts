import { GraphQLError } from 'graphql';
import { AircallAuthError, AircallError } from '../aircall/aircall-errors';
import { ErrorCode } from '../graphql/graphql-errors';
import {
  AccountNotConnectedError,
  AccountNotFoundError,
  InvalidAircallCredentialsError,
  UnidentifiedCompanyError,
} from './account-errors';

/**
 * What an account mutation's failure looks like to a GraphQL client: a coded error with a message that
 * names the problem (these messages never contain a credential). Anything else passes through to the
 * generic formatter, which hides it.
 */
export function toGraphqlError(error: unknown): unknown {
  if (error instanceof AccountNotFoundError)
    return new GraphQLError(error.message, { extensions: { code: ErrorCode.NOT_FOUND } });
  if (error instanceof InvalidAircallCredentialsError) {
    return new GraphQLError(error.message, {
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'apiToken' },
    });
  }
  if (error instanceof AccountNotConnectedError)
    return new GraphQLError(error.message, { extensions: { code: 'ACCOUNT_DISCONNECTED' } });
  if (error instanceof AircallAuthError) {
    return new GraphQLError('Aircall refused the account credentials; connect the account again', {
      extensions: { code: 'AIRCALL_UNAUTHORIZED', status: error.status },
    });
  }
  if (error instanceof AircallError || error instanceof UnidentifiedCompanyError) {
    return new GraphQLError(`Aircall request failed: ${error.message}`, {
      extensions: { code: 'AIRCALL_ERROR', status: error instanceof AircallError ? error.status : undefined },
    });
  }
  return error;
}

/** Runs a resolver body, rethrowing its failure as toGraphqlError maps it. */
export async function withGraphqlErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toGraphqlError(error);
  }
}
