import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { HttpException, Logger } from '@nestjs/common';
import { ASTNode, BREAK, DocumentNode, GraphQLError, GraphQLFormattedError, Kind, visit } from 'graphql';
import { toGraphqlError } from './to-graphql-error';
import type { GraphqlContext } from './graphql-context';
import { InvalidInstantError } from './date-time.scalar';
import { ErrorCode } from './graphql-errors';

const logger = new Logger('GraphQL');

/** Errors already logged with their request id by the plugin below, so formatError does not log them again. */
const logged = new WeakSet<object>();

/** Coded errors (ours, GraphQL validation, Nest's HTTP exceptions) and outages are expected; anything else is a bug. */
function isUnexpected(error: unknown, code: unknown = (error as GraphQLError)?.extensions?.code): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError || original instanceof HttpException) return false;
  if (toGraphqlError(original) !== original) return false;
  return !(typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR);
}

function describe(error: unknown, path: readonly (string | number)[] | undefined): string {
  const original = unwrapResolverError(error);
  return `unexpected error at ${path?.join('.') ?? 'request'}: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`;
}

/** The error a scalar (DateTime) raised beneath a validation or coercion error, if any. */
function userInputCause(error: unknown): Error | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof InvalidInstantError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return null;
}

/**
 * The argument path (`filter.startedAfter`, `from`) of the value `target` in the document: for a
 * literal the client got wrong, the field the error names.
 */
export function argumentPathOf(document: DocumentNode, target: ASTNode): string | null {
  const path: string[] = [];
  let found: string | null = null;
  visit(document, {
    enter(node) {
      if (found !== null) return BREAK;
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) path.push(node.name.value);
      if (node.loc && target.loc && node.loc.start === target.loc.start && node.kind === target.kind)
        found = path.join('.');
      return undefined;
    },
    leave(node) {
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) path.pop();
    },
  });
  return found;
}

/**
 * Invalid input is a BAD_USER_INPUT naming the field, also where graphql-js refuses it before any
 * resolver runs: a DateTime literal that is no instant (validation), or a variable that is none
 * (coercion). The field is the argument path of the literal, or the variable's name and path.
 */
export const inputErrorFieldPlugin: ApolloServerPlugin<GraphqlContext> = {
  requestDidStart: () =>
    Promise.resolve({
      didEncounterErrors: ({ errors, document }) => {
        for (const error of errors) {
          if (!userInputCause(error)) continue;
          const extensions = error.extensions as Record<string, unknown>;
          const variable =
            /^Variable "\$([A-Za-z_]\w*)" got invalid value .*? at "([^"]+)"/.exec(error.message) ??
            /^Variable "\$([A-Za-z_]\w*)" got invalid value/.exec(error.message);
          const field = variable
            ? (variable[2] ?? variable[1])
            : document && error.nodes?.[0]
              ? argumentPathOf(document, error.nodes[0])
              : null;
          extensions.code = ErrorCode.BAD_USER_INPUT;
          if (field) extensions.field = field;
        }
        return Promise.resolve();
      },
    }),
};

/**
 * Logs the errors of an operation with the id of the request (GraphQL queries run without a logging
 * context, see openRequestContext): unexpected ones at `error` with their stack; a client's mistakes
 * (bad input, a missing key or role, a refused query) at `warn`, with their code and message only.
 */
export const unexpectedErrorLogPlugin: ApolloServerPlugin<GraphqlContext> = {
  requestDidStart: () =>
    Promise.resolve({
      didEncounterErrors: ({ errors, contextValue }) => {
        for (const error of errors) {
          if (!isUnexpected(error)) {
            const code = String(error.extensions?.code ?? 'GRAPHQL_ERROR');
            // An outage is not the client's mistake, and the database layer reports it already.
            if (code === ErrorCode.DATABASE_UNAVAILABLE) continue;
            logger.warn({
              msg: 'GraphQL request refused',
              errorCode: code,
              error: error.message.slice(0, 300),
              path: error.path?.join('.'),
              requestId: contextValue.requestId,
            });
            continue;
          }
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
  // Failures outside a resolver (building the context) have not met the DomainErrorFilter yet.
  const original = unwrapResolverError(error);
  const mapped = toGraphqlError(original);
  if (mapped !== original && mapped instanceof GraphQLError)
    return { message: mapped.message, path: formatted.path, extensions: { ...mapped.extensions } };
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
