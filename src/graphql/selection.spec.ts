import { buildSchema, executeSync, GraphQLResolveInfo, parse } from 'graphql';
import { selectedAt, selectionTree, SelectionTree } from './selection';

const schema = buildSchema(`
  type User { id: ID name: String }
  type Call { id: ID user: User tags: [Tag] }
  type Tag { id: ID taggedBy: User }
  type Edge { node: Call }
  type Connection { edges: [Edge] totalCount: Int }
  type Query { calls: Connection }
`);

function treeOf(query: string): SelectionTree {
  let tree: SelectionTree | undefined;
  executeSync({
    schema,
    document: parse(query),
    rootValue: {
      calls: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        tree = selectionTree(info);
        return null;
      },
    },
  });
  return tree!;
}

const names = (tree: SelectionTree | undefined) => [...(tree?.keys() ?? [])].sort();

describe('selectionTree', () => {
  it('merges fragments, inline fragments and aliases by field name', () => {
    const tree = treeOf(`
      { calls { edges { node { id ...more ... on Call { tags { id } } } } } }
      fragment more on Call { who: user { name } tags { taggedBy { ...u } } }
      fragment u on User { id }
    `);
    expect(names(tree)).toEqual(['edges']);
    const node = selectedAt(tree, 'edges', 'node');
    expect(names(node)).toEqual(['id', 'tags', 'user']);
    expect(names(selectedAt(node!, 'tags'))).toEqual(['id', 'taggedBy']);
    expect(names(selectedAt(node!, 'tags', 'taggedBy'))).toEqual(['id']);
    expect(selectedAt(tree, 'totalCount')).toBeUndefined();
  });
});
