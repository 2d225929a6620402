import request from 'supertest';
import { graphql } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

describe('GraphQL query limits and IDE', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('sqlite::memory:', { INBOX_PROCESSOR: 'false' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('rejects a query deeper than 10 levels before running it', async () => {
    const deep = `{ teams { members { calls { edges { node { teams { members { calls { edges { node { user { name } } } } } } } } } } } }`;
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, deep);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({
      message: 'query depth 12 exceeds the limit of 10',
      extensions: { code: 'QUERY_TOO_DEEP' },
    });
  });

  it('rejects a query whose estimated cost is too high, saying by how much', async () => {
    const costly = `{ users { calls(first: 100) { edges { node { user { calls(first: 100) { edges { node { id tags { name } } } } } } } } } }`;
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, costly);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.errors?.[0].message).toMatch(/^query complexity \d+ exceeds the limit of 20000/);
  });

  it('accepts an ordinary nested page and introspection', async () => {
    const ok = await graphql(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `
        {
          calls(first: 100) {
            edges {
              node {
                id
                user {
                  name
                }
                tags {
                  name
                  taggedBy {
                    name
                  }
                }
                comments {
                  content
                }
              }
            }
          }
        }
      `,
    );
    expect(ok.errors).toBeUndefined();
    const introspection = await graphql(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `
        {
          __schema {
            types {
              name
              fields {
                name
                type {
                  name
                  ofType {
                    name
                    ofType {
                      name
                      ofType {
                        name
                      }
                    }
                  }
                }
              }
            }
          }
        }
      `,
    );
    expect(introspection.errors).toBeUndefined();
  });

  it('refuses a document past its token limit before parsing the rest', async () => {
    const aliases = Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ');
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, `{ ${aliases} calls(first: 100) { totalCount } }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/Document contains more \w+ 5000 tokens/);
    expect(res.data ?? null).toBeNull();
  });

  it('counts every alias of a connection in the cost', async () => {
    const pages = Array.from({ length: 250 }, (_, i) => `c${i}: calls(first: 100) { edges { node { id } } }`);
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, `{ ${pages.join(' ')} }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect(res.errors?.[0].message).toMatch(/^query complexity 75250 exceeds/);
  });

  it('refuses fragments spread into 2^24 fields without walking them', async () => {
    const fragments = Array.from(
      { length: 24 },
      (_, i) => `fragment f${i} on Query { ...f${i + 1} ...f${i + 1} }`,
    );
    const bomb = `query { ...f0 } ${fragments.join(' ')} fragment f24 on Query { __typename }`;
    expect(bomb.length).toBeLessThan(1500);
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, bomb);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect(res.errors?.[0].message).toMatch(/cannot be computed within 5000 fields and fragments/);
  });

  it('costs a list without paging as a large company’s, so a nested fan-out is refused', async () => {
    const fanOut = `{ users { calls(first: 100) { edges { node { user { calls(first: 100) { totalCount } } } } } } }`;
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, fanOut);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
    // The same list asking for counts only is cheap.
    const counts = await graphql(
      app.baseUrl,
      TEST_ADMIN_KEY,
      `
        {
          users {
            name
            calls(first: 0) {
              totalCount
            }
          }
        }
      `,
    );
    expect(counts.errors).toBeUndefined();
  });

  it('reports a GraphQL type error in a variable by its name', async () => {
    const res = await graphql(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'query ($first: Int) { calls(first: $first) { totalCount } }',
      { first: 'many' },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/\$first/);
  });

  it('serves the GraphQL IDE outside production, without a key', async () => {
    const res = await request(app.baseUrl).get('/graphql').set('accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves the IDE with assets of its own: nothing from another host, every file it loads answered', async () => {
    const page = await request(app.baseUrl).get('/graphql').set('accept', 'text/html');
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.sort()).toEqual([
      '/graphiql/assets/graphiql.css',
      '/graphiql/assets/graphiql.js',
      '/graphiql/assets/react-dom.js',
      '/graphiql/assets/react.js',
    ]);
    expect(page.text).not.toMatch(/https?:\/\//);
    for (const url of urls) {
      const asset = await request(app.baseUrl).get(url);
      expect([url, asset.status]).toEqual([url, 200]);
      expect(asset.headers['content-type']).toMatch(url.endsWith('.css') ? /text\/css/ : /javascript/);
      expect(Number(asset.headers['content-length'] ?? (asset.text ?? '').length)).toBeGreaterThan(1000);
    }
    expect((await request(app.baseUrl).get('/graphiql/assets/..%2Fpackage.json')).status).toBe(404);
    expect((await request(app.baseUrl).get('/graphiql/assets/constructor')).status).toBe(404);
  });

  it('serves no IDE and no introspection in production', async () => {
    const production = await startTestApp('sqlite::memory:', {
      NODE_ENV: 'production',
      INBOX_PROCESSOR: 'false',
    });
    try {
      const page = await request(production.baseUrl).get('/graphql').set('accept', 'text/html');
      expect(page.headers['content-type'] ?? '').not.toMatch(/text\/html/);
      expect((await request(production.baseUrl).get('/graphiql/assets/graphiql.js')).status).toBe(404);
      const introspection = await graphql(
        production.baseUrl,
        TEST_ADMIN_KEY,
        '{ __schema { queryType { name } } }',
      );
      expect(introspection.errors?.[0].message).toMatch(/introspection/i);
    } finally {
      await production.close();
    }
  });
});
