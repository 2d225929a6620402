import type { AircallCall } from '../../src/aircall/aircall-types';
import { CallUpserter } from '../../src/calls/call-upserter';
import { Database } from '../../src/database/database';
import { graphqlData } from './graphql-client';
import { TestApp, TEST_ADMIN_KEY } from './test-app';

/** Stores calls the way the sync does (CallUpserter, source `api`), for the GraphQL suites to read. */
export async function storeCalls(
  app: TestApp,
  accountId: string,
  calls: AircallCall[],
  at = new Date(),
): Promise<void> {
  await app.get(CallUpserter).apply(
    app.get(Database).autocommit,
    calls.map((call) => ({ accountId, call, source: 'api', at })),
  );
}

/** A new API key through the createApiKey mutation; returns the plaintext key. */
export async function createKey(
  app: TestApp,
  role: 'READER' | 'ADMIN',
  accountIds?: string[],
): Promise<string> {
  const data = await graphqlData<{ createApiKey: { key: string } }>(
    app.baseUrl,
    TEST_ADMIN_KEY,
    `mutation ($role: Role!, $accountIds: [ID!]) { createApiKey(name: "test", role: $role, accountIds: $accountIds) { key } }`,
    { role, accountIds: accountIds ?? null },
  );
  return data.createApiKey.key;
}

/** Unix seconds of an ISO instant. */
export const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
