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
import { getVariableValues } from 'graphql/execution/values';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from './graphql-errors';

export interface QueryLimits {
  /** Deepest selection allowed, root fields being depth 1 (introspection's own nesting is not counted). */
  maxDepth: number;
  /** Largest estimated cost: 1 per field, connections multiply their children by `first`. */
  maxComplexity: number;
  /**
   * Most fields, fragment spreads and inline fragments the cost estimate walks, fragments counted each
   * time they are spread: past this the query is refused without further work, so aliases and
   * repeated fragments cannot make the estimate itself expensive.
   */
  maxNodes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxComplexity: 20_000, maxNodes: 5_000 };

/**
 * Most tokens a GraphQL document may have (a calls page with every nested field is about 150):
 * parsing stops there, so a huge document costs nothing past it.
 */
export const MAX_DOCUMENT_TOKENS = 5_000;

/**
 * Depth of the selected operation, following fragments; `__schema`/`__type` subtrees are not counted.
 * Each fragment's depth is computed once (validation has already refused fragment cycles), so the walk
 * is linear in the document however often a fragment is spread.
 */
export function operationDepth(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): number {
  const fragmentDepths = new Map<string, number>();
  const depthOf = (set: SelectionSetNode | undefined, visiting: Set<string>): number => {
    if (!set) return 0;
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, visiting));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet, visiting));
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || visiting.has(name)) continue;
        let depth = fragmentDepths.get(name);
        if (depth === undefined) {
          visiting.add(name);
          depth = depthOf(fragment.selectionSet, visiting);
          visiting.delete(name);
          fragmentDepths.set(name, depth);
        }
        deepest = Math.max(deepest, depth);
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
  // Variables that do not coerce: execution refuses the operation with a 400 naming the variable, so
  // nothing runs and there is no cost to bound.
  if (getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors) return;
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
      maxQueryNodes: limits.maxNodes,
    });
  } catch {
    // Past maxNodes (or anything else that keeps the cost from being known): refused, never run unchecked.
    throw limitError(
      ErrorCode.QUERY_TOO_COMPLEX,
      `the query's cost cannot be computed within ${limits.maxNodes} fields and fragments; ask for fewer fields, aliases or fragment spreads`,
    );
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

/**
 * `complexity` for a connection field: its children count `first` times (the default page size when
 * it is not given), and once for `first: 0` (totalCount alone).
 */
export function connectionComplexity(defaultFirst: number) {
  return ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }): number => {
    const first = typeof args.first === 'number' && args.first >= 0 ? args.first : defaultFirst;
    return 1 + Math.max(1, first) * Math.max(1, childComplexity);
  };
}

/**
 * What a list without paging (users, teams, tags, numbers, a team's members) counts as in the cost
 * estimate: its children this many times. The estimate cannot know how many rows the list holds, so
 * it assumes a large company's, and a list that nests a connection pays for it per row.
 */
export const UNPAGED_LIST_COST_ROWS = 100;

/** `complexity` for a list without paging: its children count UNPAGED_LIST_COST_ROWS times. */
export function listComplexity({ childComplexity }: { childComplexity: number }): number {
  return 1 + UNPAGED_LIST_COST_ROWS * Math.max(1, childComplexity);
}

/**
 * What one `callStats` counts as, on top of its fields: it aggregates every call its filter matches
 * (up to three statements, each bounded by READ_STATEMENT_TIMEOUT_MS), so a request holds at most ten.
 */
export const STATS_COMPLEXITY = 1_900;
