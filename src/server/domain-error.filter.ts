import { Catch } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { toGraphqlError } from '../graphql/to-graphql-error';

/**
 * Every exception a resolver (or guard) throws goes through toGraphqlError. Besides mapping, it keeps
 * Nest's default handler from logging a client's mistake at `error` with its stack: errors are logged
 * once, by kind, by unexpectedErrorLogPlugin (format-error.ts).
 */
@Catch()
export class DomainErrorFilter implements GqlExceptionFilter {
  catch(error: unknown): unknown {
    return toGraphqlError(error);
  }
}
