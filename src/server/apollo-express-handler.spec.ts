import { mayMutate } from './apollo-express-handler';

describe('mayMutate', () => {
  it('is false only for query documents without a mutation', () => {
    expect(mayMutate({ query: '{ calls { totalCount } }' })).toBe(false);
    expect(mayMutate({ query: 'query Q { mutationsLog: accounts { id } }' })).toBe(false);
    expect(mayMutate({ query: 'mutation { triggerSync(accountId: "1") { id } }' })).toBe(true);
    expect(mayMutate({ query: 'query A { accounts { id } }\nmutation B { x }', operationName: 'A' })).toBe(
      true,
    );
    // Persisted (hash only), batched or malformed requests cannot be told apart cheaply.
    expect(mayMutate({ extensions: { persistedQuery: { sha256Hash: 'abc' } } })).toBe(true);
    expect(mayMutate([{ query: '{ a }' }])).toBe(true);
    expect(mayMutate(undefined)).toBe(true);
  });
});
