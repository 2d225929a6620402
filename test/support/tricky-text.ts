import { CallMediaTracker } from '../../src/calls/call-media-tracker';
import { loadConfig } from '../../src/config/app-config';
import { CallUpserter } from '../../src/calls/call-upserter';
import { Database } from '../../src/database/database';
import { DirectoryUpserter } from '../../src/directory/directory-upserter';
import { aCall, aContact, aUser } from './aircall-builders';

/**
 * Every character JSON text can carry that a SQL string literal treats specially (quotes,
 * backslashes, control characters, U+2028, non-BMP), and two injection attempts.
 */
export const TRICKY_TEXT = `O'Brien "the \\ one" \\' \\\\ '' \n\r\t\u0000\u001a \u2028 é 😀 ' OR 1=1 -- ', 'y'); DROP TABLE calls; --`;

/**
 * Applies, through the CallUpserter, a call whose agent, contact and comment carry TRICKY_TEXT, then
 * checks every stored copy (the call's payload, the agent's name and payload, the contact's payload,
 * the comment) is exactly what was sent.
 */
export async function expectTrickyTextStoredAsSent(database: Database, accountId = '7'): Promise<void> {
  const agent = aUser({ name: `Jane ${TRICKY_TEXT}` });
  const contact = aContact({ first_name: TRICKY_TEXT, information: 'C:\\calls\\new' });
  const call = aCall({ started_at: 1_717_236_000 })
    .inbound()
    .answeredBy(agent, 5)
    .endedAfter(60)
    .withContact(contact)
    .commented(TRICKY_TEXT, agent, 1_717_236_100)
    .build();
  const upserter = new CallUpserter(
    database,
    new DirectoryUpserter(database),
    new CallMediaTracker(loadConfig({}), database),
  );
  await database.transaction((m) =>
    upserter.apply(m, [{ accountId, call, source: 'call.commented', at: new Date(1_717_236_100_000) }]),
  );

  const one = async (sql: string, id: unknown) =>
    (await database.query<Record<string, unknown>>(sql, [accountId, id]))[0];
  const row = await one('SELECT payload FROM calls WHERE account_id = ? AND id = ?', call.id);
  expect(database.parseJson(row.payload)).toEqual(JSON.parse(JSON.stringify(call)));
  const user = await one('SELECT name, payload FROM users WHERE account_id = ? AND id = ?', agent.id);
  expect(user.name).toBe(`Jane ${TRICKY_TEXT}`);
  expect(database.parseJson<{ name: string }>(user.payload)!.name).toBe(`Jane ${TRICKY_TEXT}`);
  const storedContact = await one('SELECT payload FROM contacts WHERE account_id = ? AND id = ?', contact.id);
  expect(database.parseJson(storedContact.payload)).toEqual(JSON.parse(JSON.stringify(contact)));
  const comments = await database.query<Record<string, unknown>>(
    'SELECT content FROM call_comments WHERE account_id = ?',
    [accountId],
  );
  expect(comments.map((c) => c.content)).toEqual([TRICKY_TEXT]);
}
