import { CallMediaTracker } from '../src/calls/call-media-tracker';
import { loadConfig } from '../src/config/app-config';
import { DataSource } from 'typeorm';
import { CallUpserter } from '../src/calls/call-upserter';
import { createDataSource } from '../src/database/database-options';
import { Database } from '../src/database/database';
import { DirectoryUpserter } from '../src/directory/directory-upserter';
import {
  aCall,
  answeredCallHistory,
  aTag,
  aUser,
  missedCallHistory,
  TimedEvent,
} from './support/aircall-builders';
import { describeEachEngine } from './support/databases';
import { accountSnapshot } from './support/table-snapshot';
import { expectTrickyTextStoredAsSent } from './support/tricky-text';

/** Seeded PRNG so a failing permutation can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffledWithDuplicates(events: TimedEvent[], random: () => number): TimedEvent[] {
  const out = [...events];
  for (const e of events) if (random() < 0.3) out.push(e);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describeEachEngine('CallUpserter', (db) => {
  let dataSource: DataSource;
  let database: Database;
  let upserter: CallUpserter;

  beforeAll(async () => {
    dataSource = createDataSource(db().url);
    await dataSource.initialize();
    await dataSource.runMigrations();
    database = new Database(dataSource);
    upserter = new CallUpserter(
      database,
      new DirectoryUpserter(database),
      new CallMediaTracker(loadConfig({}), database),
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const apply = (accountId: string, events: TimedEvent[]) =>
    database.transaction((m) =>
      upserter.apply(
        m,
        events.map((e) => ({ accountId, call: e.data, source: e.event, at: new Date(e.timestamp * 1000) })),
      ),
    );

  it('stores every typed field and the derived facts of an answered call', async () => {
    const agent = aUser({ name: 'Jane Agent' });
    const tag = aTag({ name: 'vip' });
    const call = aCall({ started_at: 1_717_236_000 })
      .inbound()
      .from('+33 6 12 34 56 78')
      .answeredBy(agent, 12)
      .endedAfter(100)
      .tagged(tag, agent, 1_717_236_200)
      .commented('call back', agent, 1_717_236_210)
      .build();
    await apply('1', [{ event: 'call.ended', timestamp: 1_717_236_130, data: call }]);
    const [row] = await database.query<Record<string, unknown>>(
      'SELECT * FROM calls WHERE account_id = 1 AND id = ?',
      [call.id],
    );
    expect(database.parseBool(row.missed)).toBe(false);
    expect(Number(row.in_call_duration)).toBe(88);
    expect(Number(row.waiting_duration)).toBe(12);
    expect(row.digits).toBe('33612345678');
    expect(String(row.user_id)).toBe(String(agent.id));
    expect(database.parseDate(row.started_at)!.toISOString()).toBe('2024-06-01T10:00:00.000Z');
    expect(database.parseJson<{ id: number }>(row.payload)!.id).toBe(call.id);
    const tags = await database.query<Record<string, unknown>>(
      'SELECT * FROM call_tags WHERE account_id = 1 AND call_id = ?',
      [call.id],
    );
    expect(tags.map((t) => [String(t.tag_id), String(t.tagged_by_id)])).toEqual([
      [String(tag.id), String(agent.id)],
    ]);
    const users = await database.query<Record<string, unknown>>(
      'SELECT name FROM users WHERE account_id = 1 AND id = ?',
      [agent.id],
    );
    expect(users[0].name).toBe('Jane Agent');
    const comments = await database.query<Record<string, unknown>>(
      'SELECT content FROM call_comments WHERE account_id = 1',
    );
    expect(comments.map((c) => c.content)).toEqual(['call back']);
  });

  it('stores payload text with quotes, backslashes, control characters and non-BMP characters as sent', async () => {
    // In the call, its comment, its contact and its agent (the directory rows keep their own payload).
    await expectTrickyTextStoredAsSent(database);
  });

  it('marks an inbound call that ended with a missed_call_reason as missed, with no in-call duration', async () => {
    const history = missedCallHistory();
    await apply('2', history);
    const [row] = await database.query<Record<string, unknown>>('SELECT * FROM calls WHERE account_id = 2');
    expect(database.parseBool(row.missed)).toBe(true);
    expect(row.missed_call_reason).toBe('agents_did_not_answer');
    expect(row.in_call_duration).toBeNull();
    expect(row.voicemail_url).toMatch(/^https:/);
    expect(row.last_event).toBe('call.ended');
  });

  it('keeps the newer state when call.answered arrives after call.ended', async () => {
    const history = answeredCallHistory();
    const answered = history.find((e) => e.event === 'call.answered')!;
    const ended = history.find((e) => e.event === 'call.ended')!;
    await apply('3', [ended]);
    const result = await apply('3', [answered]);
    expect(result).toEqual({ written: 0, stale: 1 });
    const [row] = await database.query<Record<string, unknown>>(
      'SELECT status, last_event FROM calls WHERE account_id = 3',
    );
    expect(row).toEqual({ status: 'done', last_event: 'call.ended' });
  });

  it('converges to the rows of in-order delivery for any order and duplicates of the history', async () => {
    const histories = [
      answeredCallHistory(),
      missedCallHistory(),
      answeredCallHistory({ start: 1_717_300_000 }),
    ];
    const all = histories.flat();
    const inOrder = [...all].sort((a, b) => a.timestamp - b.timestamp);
    for (const e of inOrder) await apply('100', [e]);
    const expected = await accountSnapshot(database, '100');
    expect(expected.calls).toHaveLength(3);
    expect(expected.call_tags.length).toBeGreaterThan(0);

    const random = rng(42);
    for (let p = 0; p < 12; p++) {
      const accountId = String(200 + p);
      const order = shuffledWithDuplicates(all, random);
      // Random batch boundaries: one event per transaction up to the whole history in one.
      for (let i = 0; i < order.length;) {
        const size = 1 + Math.floor(random() * 6);
        await apply(accountId, order.slice(i, i + size));
        i += size;
      }
      expect(await accountSnapshot(database, accountId)).toEqual(expected);
    }
  });

  it('never lets one account write or read another account’s call with the same id', async () => {
    const call = aCall().answeredBy(aUser()).endedAfter(30).build();
    await apply('7', [{ event: 'call.ended', timestamp: 1_717_236_100, data: call }]);
    await apply('8', [
      { event: 'call.created', timestamp: 1_717_236_000, data: { ...call, status: 'initial' } },
    ]);
    const rows = await database.query<Record<string, unknown>>(
      'SELECT account_id, status FROM calls WHERE id = ? ORDER BY account_id',
      [call.id],
    );
    expect(rows.map((r) => [String(r.account_id), r.status])).toEqual([
      ['7', 'done'],
      ['8', 'initial'],
    ]);
  });
});
