import {
  callColumns,
  callComments,
  callTags,
  inCallDuration,
  callOutcome,
  isMissed,
  normalizePhoneDigits,
  waitingDuration,
} from './call-record';
import * as hashingModule from '../crypto/hashing';
import { sha256Hex } from '../crypto/hashing';
import { isNewer, newestByKey, stateVersion } from '../aircall/state-version';

describe('isMissed', () => {
  it('is true for an inbound call that is done with a missed_call_reason', () => {
    expect(isMissed({ direction: 'inbound', status: 'done', missed_call_reason: 'no_available_agent' })).toBe(
      true,
    );
  });
  it.each([
    ['still ringing', { direction: 'inbound', status: 'initial', missed_call_reason: null }],
    ['answered', { direction: 'inbound', status: 'done', missed_call_reason: null }],
    [
      'outbound with a reason',
      { direction: 'outbound', status: 'done', missed_call_reason: 'short_abandoned' },
    ],
    [
      'not over yet although a reason is set',
      { direction: 'inbound', status: 'answered', missed_call_reason: 'abandoned_in_ivr' },
    ],
  ])('is false when %s', (_label, call) => {
    expect(isMissed(call)).toBe(false);
  });
});

describe('callOutcome (Aircall Analytics call types)', () => {
  const inbound = { direction: 'inbound', status: 'done', answered_at: null, voicemail: null } as const;
  it.each([
    [{ answered_at: 1_717_236_010 }, 'answered'],
    [{ missed_call_reason: 'out_of_opening_hours' }, 'out_of_hours'],
    [{ missed_call_reason: 'out_of_opening_hours', voicemail: 'https://x/v.mp3' }, 'out_of_hours'],
    [{ missed_call_reason: 'agents_did_not_answer', voicemail: 'https://x/v.mp3' }, 'voicemail'],
    [{ missed_call_reason: 'abandoned_in_classic', voicemail: 'https://x/v.mp3' }, 'voicemail'],
    [{ missed_call_reason: 'short_abandoned' }, 'abandoned'],
    [{ missed_call_reason: 'abandoned_in_ivr' }, 'abandoned'],
    [{ missed_call_reason: 'abandoned_in_classic' }, 'abandoned'],
    [{ missed_call_reason: 'abandoned' }, 'abandoned'],
    [{ missed_call_reason: 'no_available_agent' }, 'missed'],
    [{ missed_call_reason: 'agents_did_not_answer' }, 'missed'],
    [{ missed_call_reason: null }, 'missed'],
  ])('types an inbound done call %j as %s', (fields, outcome) => {
    expect(callOutcome({ ...inbound, ...fields })).toBe(outcome);
  });
  it('gives outbound calls and calls not over yet no outcome', () => {
    expect(callOutcome({ ...inbound, direction: 'outbound', answered_at: 1 })).toBeNull();
    expect(callOutcome({ ...inbound, status: 'answered', answered_at: 1 })).toBeNull();
    expect(callOutcome({ ...inbound, status: 'initial' })).toBeNull();
  });
});

describe('durations', () => {
  it('measures the conversation from answer to end and the wait from start to answer', () => {
    const call = { started_at: 1000, answered_at: 1012, ended_at: 1100 };
    expect(inCallDuration(call)).toBe(88);
    expect(waitingDuration(call)).toBe(12);
  });
  it('has no in-call or waiting duration when never answered', () => {
    expect(inCallDuration({ answered_at: null, ended_at: 1100 })).toBeNull();
    expect(waitingDuration({ started_at: 1000, answered_at: null })).toBeNull();
  });
  it('has no in-call duration while the call is still going on', () => {
    expect(inCallDuration({ answered_at: 1012, ended_at: null })).toBeNull();
  });
});

describe('normalizePhoneDigits', () => {
  it.each(['+33 1 23 45 67 89', '0033123456789', '+33123456789', '+33 (0)1-23-45-67-89'.replace('(0)', '')])(
    'gives international digits for %s',
    (raw) => {
      expect(normalizePhoneDigits(raw)).toBe('33123456789');
    },
  );
  it('gives null for anonymous callers and empty values', () => {
    expect(normalizePhoneDigits('anonymous')).toBeNull();
    expect(normalizePhoneDigits('')).toBeNull();
    expect(normalizePhoneDigits(null)).toBeNull();
  });
});

describe('callColumns', () => {
  it('maps ids to strings, timestamps to dates and keeps unknown-but-meaningful fields', () => {
    const c = callColumns({
      id: 2_147_483_648_123,
      direction: 'inbound',
      status: 'done',
      started_at: 1_717_236_000,
      answered_at: null,
      ended_at: 1_717_236_030,
      missed_call_reason: 'out_of_opening_hours',
      cost: '1.25',
      country_code_a2: 'FR',
      user: null,
      number: { id: 42 },
      teams: [{ id: 1 }, { id: 1 }],
    });
    expect(c.id).toBe('2147483648123');
    expect(c.startedAt!.toISOString()).toBe('2024-06-01T10:00:00.000Z');
    expect(c.missed).toBe(true);
    expect(c.cost).toBe(1.25);
    expect(c.numberId).toBe('42');
    expect(c.userId).toBeNull();
  });
  it('keeps one row per tag and comment id with who and when', () => {
    const call = {
      id: 1,
      tags: [
        { id: 7, name: 'vip', tagged_by: { id: 3 }, tagged_at: 1_717_236_100 },
        { id: 7, name: 'vip' },
      ],
      comments: [{ id: 9, content: 'hi', posted_by: null, posted_at: 1_717_236_200 }],
    };
    expect(callTags(call)).toEqual([{ tagId: '7', taggedById: null, taggedAt: null }]);
    expect(callComments(call)).toEqual([
      { id: '9', content: 'hi', postedById: null, postedAt: new Date(1_717_236_200_000) },
    ]);
  });
});

describe('state versions', () => {
  const at = new Date(1_717_236_000_000);
  it('orders events of the same second by lifecycle', () => {
    expect(stateVersion(at, 'call.ended')).toBeGreaterThan(stateVersion(at, 'call.hungup'));
    expect(stateVersion(at, 'call.ringing_on_agent')).toBeGreaterThan(stateVersion(at, 'call.created'));
    expect(stateVersion(at, 'api')).toBeGreaterThan(stateVersion(at, 'call.tagged'));
  });
  it('lets a later second win whatever the event', () => {
    expect(stateVersion(new Date(at.getTime() + 1000), 'call.created')).toBeGreaterThan(
      stateVersion(at, 'api'),
    );
  });
  it('breaks ties on the hash so every order converges', () => {
    expect(isNewer({ version: 5, hash: 'b' }, { version: 5, hash: 'a' })).toBe(true);
    expect(isNewer({ version: 5, hash: 'a' }, { version: 5, hash: 'b' })).toBe(false);
    expect(isNewer({ version: 5, hash: 'a' }, { version: 5, hash: 'a' })).toBe(false);
  });
});

describe('newestByKey', () => {
  const item = (key: string, version: number, state: string) => ({ key, version, state });
  type Item = ReturnType<typeof item>;

  it('keeps the highest version per key, breaks ties by the hash of the state, and hashes only ties and winners', () => {
    const serialized: string[] = [];
    const items = [
      item('a', 1, 'a1'),
      item('a', 3, 'a3'),
      item('a', 2, 'a2'),
      item('b', 5, 'x'),
      item('b', 5, 'y'),
      item('c', 7, 'c7'),
    ];
    const newest = newestByKey<Item>(
      items,
      (i) => i.key,
      (i) => i.version,
      (i) => {
        serialized.push(i.state);
        return { s: i.state };
      },
    );
    const hashOf = (state: string) => sha256Hex(JSON.stringify({ s: state }));
    const tieWinner = hashOf('x') > hashOf('y') ? 'x' : 'y';
    expect(newest.map((n) => [n.item.key, n.item.state])).toEqual([
      ['a', 'a3'],
      ['b', tieWinner],
      ['c', 'c7'],
    ]);
    for (const n of newest) {
      expect(n.json).toBe(JSON.stringify({ s: n.item.state }));
      expect(n.hash).toBe(hashOf(n.item.state));
    }
    // a1 and a2 lost on version alone: never serialized.
    expect(serialized.sort()).toEqual(['a3', 'c7', 'x', 'y']);
    // The same winners whatever the order of arrival.
    const reversed = newestByKey<Item>(
      [...items].reverse(),
      (i) => i.key,
      (i) => i.version,
      (i) => ({ s: i.state }),
    );
    expect(reversed.map((n) => n.item.state).sort()).toEqual(newest.map((n) => n.item.state).sort());
  });

  it('settles a tie between identical states without hashing the challengers', () => {
    const hashing = jest.spyOn(hashingModule, 'sha256Hex');
    let newest;
    try {
      // One agent seen four times in one snapshot (user, assignee, tagger, comment author).
      newest = newestByKey(
        [1, 2, 3, 4].map((n) => ({ n, user: { id: 9, name: 'Ana' } })),
        () => 'user:9',
        () => 42,
        (i) => i.user,
      );
      expect(hashing).toHaveBeenCalledTimes(1);
    } finally {
      hashing.mockRestore();
    }
    expect(newest.map((x) => x.item.n)).toEqual([1]);
    expect(newest[0].hash).toBe(sha256Hex(JSON.stringify({ id: 9, name: 'Ana' })));
  });
});
