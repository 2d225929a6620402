import { readFileSync } from 'node:fs';
import { SCHEMA_FILE, schemaFileOf } from '../src/graphql/schema-file';
import { startTestApp, TestApp } from './support/test-app';

describe('committed GraphQL schema', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('sqlite::memory:');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('matches the schema the code builds (run `npm run schema:print` after changing resolvers or models)', () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(schemaFileOf(app.app)).toBe(committed);
  });

  it('keeps the names of the contract', () => {
    const schema = readFileSync(SCHEMA_FILE, 'utf8');
    for (const line of [
      'calls(',
      'call(',
      'accounts: [Account!]!',
      'syncRuns(',
      'callStats(',
      'users(',
      'teams(',
      'tags(',
      'numbers(',
      'webhookEvents(',
      'replayWebhookEvents(ids: [ID!], status: WebhookEventStatus): Int!',
      'revokeApiKey(id: ID!): Boolean!',
      'first: Int = 20',
      'orderBy: CallOrder = STARTED_AT_DESC',
      'timeZone: String = "UTC"',
    ]) {
      expect([line, schema.includes(line)]).toEqual([line, true]);
    }
  });
});
