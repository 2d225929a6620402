import { Database } from '../src/database/database';
import { aCall, envelope } from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { graphql } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { seedAccount } from './support/seed';

const TOKEN = 'logs-suite-webhook-token-5b7e1d';
const WRONG_TOKEN = 'logs-suite-wrong-token-c0ffee';
const BAD_API_KEY = 'logs-suite-not-a-real-api-key-123456';
const OAUTH_CODE = 'logs-suite-oauth-code-77aa';

type Line = Record<string, unknown>;

/** Every JSON log line the service writes while `work` runs (stdout and stderr), other output passed through. */
async function captureLogs(work: () => Promise<void>): Promise<{ lines: Line[]; raw: string }> {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    return jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      if (text.startsWith('{"level"')) {
        chunks.push(text);
        return true;
      }
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  });
  try {
    await work();
    // Access lines are written when the response finishes, possibly just after the client has read it.
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
  const raw = chunks.join('');
  return {
    raw,
    lines: raw
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line),
  };
}

describeEachEngine('JSON logs: request ids, access lines, no secrets', (database) => {
  let t: TestApp;

  const postWebhook = (body: unknown, requestId?: string) =>
    fetch(`${t.baseUrl}/aircall/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await startTestApp(database().url, {
      LOG_LEVEL: 'verbose',
      AIRCALL_CLIENT_ID: 'logs-client',
      AIRCALL_CLIENT_SECRET: 'logs-client-secret-value',
    });
    const db = t.get(Database);
    await seedAccount(db, { id: '701', name: 'Logs Co', webhookToken: TOKEN });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes one access line per request: method, path, status, ms and the request id', async () => {
    const { lines } = await captureLogs(async () => {
      await fetch(`${t.baseUrl}/health`, { headers: { 'x-request-id': 'trace-health-1' } });
      const call = aCall().build();
      await postWebhook(envelope('call.created', call, call.started_at!, TOKEN), 'trace-webhook-1');
    });
    const access = lines.filter((l) => l.context === 'HTTP' && l.msg === 'request');
    const healthLine = access.filter((l) => l.requestId === 'trace-health-1');
    expect(healthLine).toHaveLength(1);
    expect(healthLine[0]).toMatchObject({ level: 'log', method: 'GET', path: '/health', status: 200 });
    expect(typeof healthLine[0].ms).toBe('number');
    // Aircall's deliveries are high volume: their access line is debug.
    const webhookLine = access.filter((l) => l.requestId === 'trace-webhook-1');
    expect(webhookLine).toHaveLength(1);
    expect(webhookLine[0]).toMatchObject({
      level: 'debug',
      method: 'POST',
      path: '/aircall/webhook',
      status: 200,
    });
  });

  it('stamps the lines a handler writes with the id of the request it serves', async () => {
    const { lines } = await captureLogs(async () => {
      await fetch(`${t.baseUrl}/oauth/callback?code=${OAUTH_CODE}&state=forged-state`, {
        headers: { 'x-request-id': 'trace-oauth-1' },
      });
    });
    const mine = lines.filter((l) => l.requestId === 'trace-oauth-1');
    expect(mine.some((l) => l.context !== 'HTTP')).toBe(true);
    // The path is logged without its query string: OAuth codes and states travel there.
    expect(mine.find((l) => l.msg === 'request')).toMatchObject({ path: '/oauth/callback' });
  });

  it('stamps GraphQL lines with the request id: access lines, unexpected errors (once), mutations', async () => {
    const db = t.get(Database);
    const now = db.date(new Date());
    // A contact whose stored phone numbers are not JSON: reading them is a bug-class failure, not a client error.
    const unchecked = database().engine === 'mysql' ? 'SET STATEMENT check_constraint_checks = 0 FOR ' : '';
    await db.query(
      `${unchecked}INSERT INTO contacts (account_id, id, phone_numbers, created_at, updated_at) VALUES (701, 77, '[not json', ?, ?)`,
      [now, now],
    );
    await db.query(
      `INSERT INTO calls (account_id, id, digits, contact_id, payload, last_event, last_event_at, state_version, state_hash, created_at, updated_at)
       VALUES (701, 7701, '', 77, '{}', 'call.created', ?, 1, 'x', ?, ?)`,
      [now, now, now],
    );
    await seedAccount(db, { id: '702', name: 'Gone Co', status: 'disconnected' });
    const query = (text: string, requestId: string) =>
      fetch(`${t.baseUrl}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${TEST_ADMIN_KEY}`,
          'x-request-id': requestId,
        },
        body: JSON.stringify({ query: text }),
      });
    try {
      const { lines } = await captureLogs(async () => {
        const broken = await query(
          '{ call(id: "7701") { id contact { phoneNumbers { value } } } }',
          'trace-gql-broken',
        );
        const body = (await broken.json()) as { errors: Array<{ message: string }> };
        expect(body.errors[0].message).toBe('internal server error');
        expect((await query('{ accounts { id } }', 'trace-gql-query')).status).toBe(200);
        const disconnect = await query(
          'mutation { disconnectAccount(id: "702") { id } }',
          'trace-gql-mutation',
        );
        expect(disconnect.status).toBe(200);
      });
      const errors = lines.filter((l) => l.level === 'error' && String(l.msg).startsWith('unexpected error'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ context: 'GraphQL', requestId: 'trace-gql-broken' });
      expect(JSON.stringify(errors[0])).toContain('SyntaxError');
      // A mutation runs in the request's logging context: a service deep inside stamps its line.
      expect(lines.find((l) => l.msg === 'account disconnected')).toMatchObject({
        accountId: '702',
        requestId: 'trace-gql-mutation',
      });
      for (const id of ['trace-gql-broken', 'trace-gql-query', 'trace-gql-mutation']) {
        expect(lines.filter((l) => l.msg === 'request' && l.requestId === id)).toEqual([
          expect.objectContaining({ method: 'POST', path: '/graphql', status: 200 }),
        ]);
      }
    } finally {
      await db.query('DELETE FROM calls WHERE account_id = 701 AND id = 7701');
      await db.query('DELETE FROM contacts WHERE account_id = 701 AND id = 77');
      await db.query('DELETE FROM accounts WHERE id = 702');
    }
  });

  it('logs a client’s mistakes at warn with their code and no stack, and unexpected errors at error', async () => {
    const { lines } = await captureLogs(async () => {
      await graphql(
        t.baseUrl,
        TEST_ADMIN_KEY,
        '{ calls(filter: { startedAfter: "yesterday" }) { totalCount } }',
      );
      await graphql(t.baseUrl, TEST_ADMIN_KEY, 'mutation { triggerSync(accountId: "999999") { id } }');
    });
    const refused = lines.filter((l) => l.msg === 'GraphQL request refused');
    expect(refused.map((l) => [l.level, l.errorCode])).toEqual([
      ['warn', 'BAD_USER_INPUT'],
      ['warn', 'NOT_FOUND'],
    ]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(JSON.stringify(refused)).not.toMatch(/\n\s+at /);
  });

  it('never logs a webhook token, an API key, an OAuth code or an Authorization header', async () => {
    const { raw, lines } = await captureLogs(async () => {
      const call = aCall().build();
      expect((await postWebhook(envelope('call.created', call, call.started_at!, TOKEN))).status).toBe(200);
      expect((await postWebhook(envelope('call.created', call, call.started_at!, WRONG_TOKEN))).status).toBe(
        401,
      );
      // Malformed JSON that still carries the token in its text.
      expect((await postWebhook(`{"token":"${TOKEN}","event":`)).status).toBe(400);
      // An envelope the token accepts but whose content is invalid: quarantined, answered 200.
      expect(
        (await postWebhook({ token: TOKEN, event: 42, resource: 'call', timestamp: 'soon', data: null }))
          .status,
      ).toBe(200);
      expect((await graphql(t.baseUrl, TEST_ADMIN_KEY, '{ accounts { id } }')).status).toBe(200);
      await graphql(t.baseUrl, BAD_API_KEY, '{ accounts { id } }');
      await graphql(t.baseUrl, TEST_ADMIN_KEY, '{ noSuchField }');
      await fetch(`${t.baseUrl}/oauth/callback?code=${OAUTH_CODE}&state=${TOKEN}`);
    });
    if (process.env.SHOW_LOGS) process.stderr.write(raw);
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [
      TOKEN,
      WRONG_TOKEN,
      TEST_ADMIN_KEY,
      BAD_API_KEY,
      OAUTH_CODE,
      'logs-client-secret-value',
    ]) {
      expect(raw).not.toContain(secret);
    }
    expect(raw.toLowerCase()).not.toContain('bearer ');
  });
});
