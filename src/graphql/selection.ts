import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

/** The fields a client selected below a resolver's field, by field name (not alias), fragments merged. */
export type SelectionTree = Map<string, SelectionTree>;

/**
 * What the client asked for under the field being resolved — so a resolver can load exactly the
 * related rows that will be read. Fragment spreads and inline fragments are merged in; `@skip` and
 * `@include` are ignored (a skipped field costs at most a statement, never a wrong answer).
 */
export function selectionTree(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): SelectionTree {
  const tree: SelectionTree = new Map();
  for (const node of info.fieldNodes) merge(tree, node.selectionSet, info.fragments);
  return tree;
}

/** The subtree at `path` (e.g. edges → node of a connection), or undefined when not selected. */
export function selectedAt(tree: SelectionTree, ...path: string[]): SelectionTree | undefined {
  let current: SelectionTree | undefined = tree;
  for (const name of path) current = current?.get(name);
  return current;
}

function merge(
  tree: SelectionTree,
  selectionSet: SelectionSetNode | undefined,
  fragments: GraphQLResolveInfo['fragments'],
): void {
  if (!selectionSet) return;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = selection as FieldNode;
      let child = tree.get(field.name.value);
      if (!child) {
        child = new Map();
        tree.set(field.name.value, child);
      }
      merge(child, field.selectionSet, fragments);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      merge(tree, selection.selectionSet, fragments);
    } else {
      merge(tree, fragments[selection.name.value]?.selectionSet, fragments);
    }
  }
}
