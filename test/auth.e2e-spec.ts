import request from 'supertest';
import { describeEachEngine } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const CREATE_KEY = `mutation ($name: String!, $role: Role!, $accountIds: [ID!]) {
  createApiKey(name: $name, role: $role, accountIds: $accountIds) { key apiKey { id name role accountIds keyPrefix revokedAt } }
}`;

describeEachEngine('GraphQL API-key authentication', (db) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(db().url);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers HTTP 401 without an Authorization header', async () => {
    const res = await graphql(app.baseUrl, null, '{ __typename }');
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers HTTP 401 for an unknown key and for a malformed header', async () => {
    expect((await graphql(app.baseUrl, 'acs_not-a-real-key', '{ __typename }')).status).toBe(401);
    const res = await request(app.baseUrl)
      .post('/graphql')
      .set('authorization', TEST_ADMIN_KEY)
      .send({ query: '{ __typename }' });
    expect(res.status).toBe(401);
  });

  it('accepts the ADMIN_API_KEY bootstrap key', async () => {
    expect(await graphqlData(app.baseUrl, TEST_ADMIN_KEY, '{ __typename }')).toEqual({ __typename: 'Query' });
  });

  it('creates a key, returns it once, and stores only its SHA-256', async () => {
    const { createApiKey } = await graphqlData<{
      createApiKey: { key: string; apiKey: { id: string; keyPrefix: string; role: string } };
    }>(app.baseUrl, TEST_ADMIN_KEY, CREATE_KEY, { name: 'reporting', role: 'READER' });
    expect(createApiKey.key).toMatch(/^acs_[A-Za-z0-9_-]{43}$/);
    expect(createApiKey.key.startsWith(createApiKey.apiKey.keyPrefix)).toBe(true);
    const { Database } = await import('../src/database/database');
    const rows = await app
      .get(Database)
      .query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = ?', [createApiKey.apiKey.id]);
    const { createHash } = await import('node:crypto');
    expect(rows[0].key_hash).toBe(createHash('sha256').update(createApiKey.key).digest('hex'));
    const everything = JSON.stringify(await app.get(Database).query('SELECT * FROM api_keys'));
    expect(everything).not.toContain(createApiKey.key);
    expect(everything).not.toContain(TEST_ADMIN_KEY);
  });

  it('lets a READER query but not mutate or list keys', async () => {
    const { createApiKey } = await graphqlData<{ createApiKey: { key: string } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CREATE_KEY,
      {
        name: 'reader',
        role: 'READER',
      },
    );
    expect(await graphqlData(app.baseUrl, createApiKey.key, '{ __typename }')).toEqual({
      __typename: 'Query',
    });
    const mutation = await graphql(app.baseUrl, createApiKey.key, CREATE_KEY, {
      name: 'escalate',
      role: 'ADMIN',
    });
    expect(mutation.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(mutation.data).toBeNull();
    const list = await graphql(app.baseUrl, createApiKey.key, '{ apiKeys { id } }');
    expect(list.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lets an ADMIN key created through GraphQL create and list keys', async () => {
    const { createApiKey } = await graphqlData<{ createApiKey: { key: string } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CREATE_KEY,
      {
        name: 'second admin',
        role: 'ADMIN',
      },
    );
    const { apiKeys } = await graphqlData<{ apiKeys: Array<{ name: string }> }>(
      app.baseUrl,
      createApiKey.key,
      '{ apiKeys { name } }',
    );
    expect(apiKeys.map((k) => k.name)).toEqual(
      expect.arrayContaining(['reporting', 'reader', 'second admin']),
    );
  });

  it('refuses a revoked key at once', async () => {
    const { createApiKey } = await graphqlData<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      CREATE_KEY,
      { name: 'short-lived', role: 'READER' },
    );
    expect((await graphql(app.baseUrl, createApiKey.key, '{ __typename }')).status).toBe(200);
    const revoked = await graphqlData<{ revokeApiKey: boolean }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation ($id: ID!) { revokeApiKey(id: $id) }',
      {
        id: createApiKey.apiKey.id,
      },
    );
    expect(revoked.revokeApiKey).toBe(true);
    expect((await graphql(app.baseUrl, createApiKey.key, '{ __typename }')).status).toBe(401);
    const again = await graphqlData<{ revokeApiKey: boolean }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation ($id: ID!) { revokeApiKey(id: $id) }',
      {
        id: createApiKey.apiKey.id,
      },
    );
    expect(again.revokeApiKey).toBe(false);
  });

  it('names the field of an invalid createApiKey input', async () => {
    const res = await graphql(app.baseUrl, TEST_ADMIN_KEY, CREATE_KEY, {
      name: 'x',
      role: 'READER',
      accountIds: ['abc'],
    });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountIds' });
    expect(res.errors?.[0].message).toMatch(/^accountIds: /);
  });
});
