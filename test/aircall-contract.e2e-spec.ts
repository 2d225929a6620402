import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AircallSimulator } from './simulator/aircall-simulator';
import { JsonShape, shapeDifferences, shapeOf, unionShape } from './support/json-shape';

/**
 * The simulator answers like the real Aircall: for every route the client uses, the body has the
 * keys, nesting and value types of a body recorded from Aircall's API or documentation
 * (test/fixtures/aircall/, provenance in its README). Where a route has no recording, the expected
 * shape is the documented one, written out below with its source.
 */
const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', 'aircall', name), 'utf8')) as T;

type Body = Record<string, unknown>;
const object = (shape: JsonShape): Record<string, JsonShape> =>
  typeof shape === 'object' && 'object' in shape ? shape.object : {};

describe('json-shape comparison', () => {
  it('finds an added key, a missing key and a changed type at any depth; null, `{}` and masked values match anything', () => {
    const recorded = shapeOf({ a: 1, b: { c: 'x', d: null }, e: [{ f: true }], g: 'redacted', h: {} });
    expect(
      shapeDifferences(
        recorded,
        shapeOf({ a: 1, b: { c: 'y', d: 5 }, e: [{ f: false }], g: 7, h: { id: 1 } }),
      ),
    ).toEqual([]);
    expect(
      shapeDifferences(
        recorded,
        shapeOf({ a: '1', b: { c: 'y', d: null, z: 1 }, e: [{ k: 1 }], g: 1, h: {} }),
      ),
    ).toEqual([
      '$.a: string where Aircall sends number',
      '$.b.z: added (Aircall does not send it)',
      '$.e[].f: missing (Aircall sends it)',
      '$.e[].k: added (Aircall does not send it)',
    ]);
  });
});

describe('the simulator answers like the recorded Aircall bodies', () => {
  let sim: AircallSimulator;
  let basic: Record<string, string>;
  const get = async (path: string, headers = basic): Promise<{ status: number; body: Body }> => {
    const response = await fetch(`${sim.baseUrl}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const send = async (
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: Body }> => {
    const response = await fetch(`${sim.baseUrl}${path}`, {
      method,
      headers: { ...basic, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };

  beforeAll(async () => {
    sim = await AircallSimulator.start({
      companies: [{ callCount: 400, users: 8, numbers: 3, teams: 2, tags: 4 }],
    });
    const company = sim.company();
    basic = {
      authorization: `Basic ${Buffer.from(`${company.apiId}:${company.apiToken}`).toString('base64')}`,
    };
  });
  afterAll(async () => {
    await sim?.close();
  });

  // Recorded body 01 (live GET /v1/calls item); 02's comment author (the reference's USER_POSTED_BY).
  const restCall = shapeOf(fixture('01-call-rest-live-estuary.json'));
  const commentShape = shapeOf(
    fixture<{ call: { comments: unknown[] } }>('02-call-rest-doc-reference.json').call.comments[0],
  );
  const restContact = shapeOf(fixture('08-contact-rest-live-estuary.json'));
  /** The paging block of every list but webhooks (recorded body 09). */
  const listMeta = shapeOf(fixture<Body>('09-users-v2-list-live-estuary.json').meta);

  /** Every difference of one call from recorded body 01, its comments and contact included. */
  function callDifferences(call: Body, path: string): string[] {
    const { comments, contact, ...rest } = call;
    const expected = { ...object(restCall) };
    delete expected.comments;
    delete expected.contact;
    const differences = shapeDifferences({ object: expected }, shapeOf(rest), path);
    for (const [i, comment] of ((comments as unknown[]) ?? []).entries())
      differences.push(...shapeDifferences(commentShape, shapeOf(comment), `${path}.comments[${i}]`));
    if (contact !== null)
      differences.push(...shapeDifferences(restContact, shapeOf(contact), `${path}.contact`));
    return differences;
  }

  it('GET /v1/calls: every item is recorded body 01, with the paging block of body 09', async () => {
    const { status, body } = await get('/v1/calls?per_page=50');
    expect(status).toBe(200);
    const calls = body.calls as Body[];
    expect(calls).toHaveLength(50);
    expect(calls.flatMap((call, i) => callDifferences(call, `$.calls[${i}]`))).toEqual([]);
    expect(shapeDifferences(listMeta, shapeOf(body.meta), '$.meta')).toEqual([]);
    // Without fetch_contact the contact is null, without fetch_short_urls the short links are (live, EST).
    expect(calls.every((call) => call.contact === null && call.recording_short_url === null)).toBe(true);
  });

  it('GET /v1/calls with fetch_contact, fetch_short_urls, fetch_call_timeline: the full contact, short links, the IVR path', async () => {
    const { body } = await get(
      '/v1/calls?per_page=50&fetch_contact=true&fetch_short_urls=true&fetch_call_timeline=true',
    );
    const calls = body.calls as Body[];
    expect(calls.some((call) => call.contact !== null)).toBe(true);
    expect(calls.some((call) => typeof call.recording_short_url === 'string')).toBe(true);
    // ivr_options_selected: Riprock/aircall-api models/ivr_option.py (documented, no recording).
    const ivr = {
      object: {
        id: 'string',
        title: 'string',
        key: 'string',
        branch: 'string',
        created_at: 'string',
        transition_started_at: 'string',
        transition_ended_at: 'string',
      },
    } as JsonShape;
    const withIvr = calls.filter((call) => Array.isArray(call.ivr_options_selected));
    expect(withIvr.length).toBeGreaterThan(0);
    const differences = calls.flatMap((call, i) => {
      const { ivr_options_selected: options, ...rest } = call;
      return [
        ...callDifferences(rest, `$.calls[${i}]`),
        ...((options as unknown[] | undefined) ?? []).flatMap((option) =>
          shapeDifferences(ivr, shapeOf(option)),
        ),
      ];
    });
    expect(differences).toEqual([]);
  });

  it('GET /v1/calls/:id: `{call}` as recorded body 02 wraps it, the call as body 01', async () => {
    const company = sim.company();
    const { body } = await get(`/v1/calls/${company.calls.idOf(7)}`);
    expect(Object.keys(body)).toEqual(Object.keys(fixture('02-call-rest-doc-reference.json')));
    expect(callDifferences(body.call as Body, '$.call')).toEqual([]);
  });

  it('GET /v1/calls past the 10,000th record: 400 with recorded body 12, whatever the total', async () => {
    const { status, body } = await get('/v1/calls?page=201&per_page=50');
    expect(status).toBe(400);
    expect(body).toEqual(fixture('12-error-400-pagination-cap-live-estuary.json'));
  });

  it('GET /v2/users: recorded body 09 (users with substatus and default_number_id, no numbers)', async () => {
    const { body } = await get('/v2/users');
    expect(shapeDifferences(shapeOf(fixture('09-users-v2-list-live-estuary.json')), shapeOf(body))).toEqual(
      [],
    );
  });

  it('GET /v1/company: recorded body 13, which names the company and gives no id', async () => {
    const { body } = await get('/v1/company');
    expect(shapeDifferences(shapeOf(fixture('13-company-live-estuary.json')), shapeOf(body))).toEqual([]);
    expect(body.company).not.toHaveProperty('id');
  });

  it('GET /v1/integrations/me (OAuth): body 14 from the reference, with no company_name', async () => {
    const token = sim.issueOAuthToken(sim.company().id);
    const { body } = await get('/v1/integrations/me', { authorization: `Bearer ${token}` });
    expect(shapeDifferences(shapeOf(fixture('14-integration-me-doc.json')), shapeOf(body))).toEqual([]);
  });

  describe('webhooks', () => {
    it('POST /v1/webhooks answers body 11; GET /v1/webhooks body 10 (no page links, the token, the legacy id)', async () => {
      const created = await send('POST', '/v1/webhooks', {
        url: 'https://example.com/hook',
        events: ['call.created'],
      });
      expect(created.status).toBe(201);
      expect(
        shapeDifferences(shapeOf(fixture('11-webhook-create-response-doc.json')), shapeOf(created.body)),
      ).toEqual([]);
      const listed = await get('/v1/webhooks');
      expect(
        shapeDifferences(shapeOf(fixture('10-webhooks-list-live-estuary.json')), shapeOf(listed.body)),
      ).toEqual([]);
      expect(listed.body.meta).not.toHaveProperty('next_page_link');
      const byId = await get(`/v1/webhooks/${(created.body.webhook as Body).webhook_id}`);
      expect(
        shapeDifferences(shapeOf(fixture('11-webhook-create-response-doc.json')), shapeOf(byId.body)),
      ).toEqual([]);
    });
  });

  it('GET /v1/teams, /v1/numbers, /v1/tags: the documented objects (no recording: docs/aircall-behaviour.md §4)', async () => {
    const user = object(restCall).user;
    const number = { object: { ...object(object(restCall).number), users: { array: user } } } as JsonShape;
    const team = {
      object: {
        id: 'number',
        direct_link: 'string',
        name: 'string',
        created_at: 'string',
        users: { array: user },
      },
    } as JsonShape;
    const tag = {
      object: { id: 'number', direct_link: 'string', name: 'string', color: 'string', description: 'null' },
    } as JsonShape;
    for (const [path, key, shape] of [
      ['/v1/teams', 'teams', team],
      ['/v1/numbers', 'numbers', number],
      ['/v1/tags', 'tags', tag],
    ] as const) {
      const { body } = await get(path);
      expect({
        path,
        differences: shapeDifferences({ object: { [key]: { array: shape }, meta: listMeta } }, shapeOf(body)),
      }).toEqual({ path, differences: [] });
    }
  });

  describe('webhook deliveries', () => {
    let receiver: Server;
    let received: Body[] = [];

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let text = '';
        req.on('data', (chunk) => (text += chunk));
        req.on('end', () => {
          received.push(JSON.parse(text) as Body);
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      sim.company().webhooks.create({ url }, null, Date.now());
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    });
    beforeEach(() => {
      received = [];
    });

    /**
     * A call event's body: the reference's call.created sample (03, 2024: call_uuid, participants)
     * merged with a delivery shaped like the real ones (16: asset, archived, teams, comments, tags;
     * the webhook's own trimmed user and number).
     */
    const sample = fixture('03-webhook-call-created-doc.json');
    const real = fixture('16-webhook-call-tagged-synthetic.json');
    const deliveredCall = unionShape(shapeOf((sample as Body).data), shapeOf((real as Body).data));
    const webhookUser = shapeOf({
      id: 1,
      direct_link: 'x',
      name: 'x',
      email: 'x',
      available: true,
      availability_status: 'x',
      language: 'x',
      wrap_up_time: 0,
    });

    it('sends a call event as Aircall does: the envelope of sample 03, the call of 03 and 16 merged', async () => {
      const company = sim.company();
      for (let i = 0; i < 60; i += 1)
        await sim.emitCallEvent(company.id, 'call.ended', company.calls.get(company.calls.idOf(i))!);
      expect(received).toHaveLength(60);
      const differences: string[] = [];
      for (const [i, body] of received.entries()) {
        const { data, ...envelope } = body;
        const { user, assigned_to, transferred_by, transferred_to, contact, comments, ...call } =
          data as Body;
        differences.push(
          ...shapeDifferences(
            unionShape(shapeOf({ ...(sample as Body), data: null })),
            shapeOf({ ...envelope, data: null }),
            `#${i}`,
          ),
        );
        const expected = { ...object(deliveredCall) };
        for (const key of ['user', 'contact', 'comments']) delete expected[key];
        differences.push(...shapeDifferences({ object: expected }, shapeOf(call), `#${i}.data`));
        for (const [key, value] of Object.entries({ user, assigned_to, transferred_by, transferred_to }))
          if (value) differences.push(...shapeDifferences(webhookUser, shapeOf(value), `#${i}.data.${key}`));
        if (contact)
          differences.push(...shapeDifferences(restContact, shapeOf(contact), `#${i}.data.contact`));
        for (const comment of (comments as unknown[]) ?? [])
          differences.push(...shapeDifferences(commentShape, shapeOf(comment), `#${i}.data.comments[]`));
      }
      expect(differences).toEqual([]);
      // Real deliveries leave an absent user or contact out; none sends null for them.
      expect(
        received.every((body) => (body.data as Body).user !== null && (body.data as Body).contact !== null),
      ).toBe(true);
    });

    it('sends `{}` for absent nested objects when asked to, as the reference sample does', async () => {
      const company = sim.company();
      const missed = company.calls
        .list({ order: 'asc', offset: 0, limit: 400 })
        .calls.find((call) => !call.user && !call.contact)!;
      await sim.emitCallEvent(company.id, 'call.created', missed, undefined, { emptyAbsent: true });
      expect(received[0].data).toMatchObject({ user: {}, contact: {} });
    });
  });
});
