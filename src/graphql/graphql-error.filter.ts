import { Catch } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';

/**
 * Hands the coded errors resolvers throw (BAD_USER_INPUT, FORBIDDEN, NOT_FOUND …) back to GraphQL as
 * they are. Without it Nest's default handler logs each one at `error` with its stack, as if it were a
 * bug; they are logged once, at `warn`, by unexpectedErrorLogPlugin (format-error.ts).
 */
@Catch(GraphQLError)
export class GraphqlErrorFilter implements GqlExceptionFilter {
  catch(error: GraphQLError): GraphQLError {
    return error;
  }
}
