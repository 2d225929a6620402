import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from './graphql-errors';

export interface QueryLimits {
  /** Deepest selection allowed, root fields being depth 1 (introspection's own nesting is not counted). */
  maxDepth: number;
  /** Largest estimated cost: 1 per field, connections multiply their children by `first`. */
  maxComplexity: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxComplexity: 20_000 };

/** Depth of the selected operation, following fragments; `__schema`/`__type` subtrees are not counted. */
export function operationDepth(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): number {
  const depthOf = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>): number => {
    if (!set) return 0;
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, seen));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (fragment && !seen.has(name))
          deepest = Math.max(deepest, depthOf(fragment.selectionSet, new Set([...seen, name])));
      }
    }
    return deepest;
  };
  return depthOf(operation.selectionSet, new Set());
}

function limitError(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** Rejects a query before it runs when it is too deep or too costly, with an error saying which and by how much. */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): void {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const depth = operationDepth(operation, fragments);
  if (depth > limits.maxDepth) {
    throw limitError(
      ErrorCode.QUERY_TOO_DEEP,
      `query depth ${depth} exceeds the limit of ${limits.maxDepth}`,
    );
  }
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Variables that do not coerce: execution will refuse the operation with a 400 naming the variable,
    // so nothing runs and there is no cost to bound.
    return;
  }
  if (complexity > limits.maxComplexity) {
    throw limitError(
      ErrorCode.QUERY_TOO_COMPLEX,
      `query complexity ${complexity} exceeds the limit of ${limits.maxComplexity} (ask for fewer items per page or fewer nested fields)`,
    );
  }
}

/** The Apollo plugin applying checkQueryLimits once the operation is known. */
export function queryLimitsPlugin(
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          checkQueryLimits(schema, document, operation, request.variables ?? {}, limits);
        },
      };
    },
  };
}

/** `complexity` for a connection field: its children count `first` times (default page size otherwise). */
export function connectionComplexity(defaultFirst: number) {
  return ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }): number => {
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : defaultFirst;
    return 1 + first * Math.max(1, childComplexity);
  };
}
