import { callPayloadProblem, directoryPayloadProblem } from './webhook-payloads';

describe('callPayloadProblem', () => {
  const call = {
    id: 42,
    direction: 'inbound',
    status: 'done',
    missed_call_reason: null,
    started_at: 1_717_236_000,
    answered_at: null,
    ended_at: 1_717_236_060,
    duration: 60,
    archived: false,
    raw_digits: '+33 1 23 45 67 89',
    cost: '0.01',
    user: { id: 7 },
    number: { id: 8 },
    contact: null,
    teams: [{ id: 1 }],
    tags: [],
    comments: [{ id: 3, content: 'hi' }],
  };

  it('accepts a Call object, optional fields absent or null', () => {
    expect(callPayloadProblem(call)).toBeNull();
    expect(callPayloadProblem({ id: 1 })).toBeNull();
  });

  it('names every wrong field, in the order of the Call object', () => {
    expect(
      callPayloadProblem({
        ...call,
        id: 0,
        status: 3,
        cost: true,
        user: { id: 'x' },
        teams: [{ id: 1 }, { name: 'no id' }],
      }),
    ).toBe('call payload has a wrong or missing value for: id, status, cost, user, teams');
    expect(callPayloadProblem({ ...call, started_at: Infinity, archived: 'no', comments: {} })).toBe(
      'call payload has a wrong or missing value for: started_at, archived, comments',
    );
  });

  it('reads `{}` as absent, for nested objects and list items alike (Aircall sends both)', () => {
    expect(
      callPayloadProblem({
        ...call,
        user: {},
        contact: {},
        number: {},
        teams: [{}],
        tags: [{ id: 60692, name: 'Callback Request', tagged_by: {}, tagged_at: 1_717_236_100 }],
      }),
    ).toBeNull();
  });

  it('quarantines what no column can hold: times past year 9999, a comment whose content is an object', () => {
    expect(callPayloadProblem({ ...call, started_at: 253_402_300_800 })).toMatch(/started_at$/);
    expect(callPayloadProblem({ ...call, ended_at: '10000-01-01T00:00:00Z' })).toMatch(/ended_at$/);
    expect(callPayloadProblem({ ...call, comments: [{ id: 3, content: { text: 'hi' } }] })).toMatch(
      /comments$/,
    );
    expect(callPayloadProblem({ ...call, started_at: '2026-09-28T10:21:09.000Z' })).toBeNull();
  });

  it('caps what one call carries: lists and comment text, saying the cap', () => {
    const many = (n: number, item: (i: number) => object) => Array.from({ length: n }, (_, i) => item(i + 1));
    expect(callPayloadProblem({ ...call, tags: many(200, (id) => ({ id })) })).toBeNull();
    expect(callPayloadProblem({ ...call, tags: many(201, (id) => ({ id })) })).toBe(
      'call payload has a wrong or missing value for: tags (at most 200 tags per call)',
    );
    expect(
      callPayloadProblem({
        ...call,
        teams: many(60_000, (id) => ({ id })),
        participants: many(501, () => ({})),
      }),
    ).toBe(
      'call payload has a wrong or missing value for: teams, participants (at most 200 teams, 500 participants per call)',
    );
    expect(callPayloadProblem({ ...call, comments: many(501, (id) => ({ id, content: 'x' })) })).toMatch(
      /at most 500 comments per call/,
    );
    expect(callPayloadProblem({ ...call, comments: [{ id: 1, content: 'x'.repeat(65_537) }] })).toMatch(
      /comments$/,
    );
    expect(callPayloadProblem({ ...call, comments: [{ id: 1, content: 'x'.repeat(65_536) }] })).toBeNull();
  });

  it('quarantines a call starting more than a day after the event reporting it', () => {
    const sent = call.started_at + 60;
    expect(callPayloadProblem(call, sent)).toBeNull();
    expect(callPayloadProblem({ ...call, started_at: sent + 86_400 }, sent)).toBeNull();
    expect(callPayloadProblem({ ...call, started_at: 16_725_225_600 }, sent)).toMatch(
      /started_at more than a day after the event/,
    );
    expect(callPayloadProblem({ ...call, started_at: '2500-01-01T00:00:00Z' }, sent)).toMatch(/a day after/);
  });

  it('refuses anything that is not an object', () => {
    for (const data of [null, [], 'call', 5])
      expect(callPayloadProblem(data)).toBe('data must be a Call object');
    expect(directoryPayloadProblem({ id: 'x' })).toMatch(/positive integer id/);
  });
});
