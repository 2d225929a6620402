import { Kind, OperationDefinitionNode, parse } from 'graphql';
import { connectionComplexity, operationDepth } from './query-limits';

function depthOf(query: string): number {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  return operationDepth(operation, fragments);
}

describe('query limits', () => {
  it('measures depth through fragments and inline fragments, ignoring introspection', () => {
    expect(depthOf('{ calls { edges { node { id } } } }')).toBe(4);
    expect(
      depthOf('{ calls { ...C } } fragment C on CallConnection { edges { node { user { name } } } }'),
    ).toBe(5);
    expect(depthOf('{ calls { edges { ... on CallEdge { node { id } } } } }')).toBe(4);
    expect(depthOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }')).toBe(0);
  });

  it("multiplies a connection's children by first", () => {
    const cost = connectionComplexity(20);
    expect(cost({ args: { first: 100 }, childComplexity: 5 })).toBe(501);
    expect(cost({ args: {}, childComplexity: 5 })).toBe(101);
  });
});
