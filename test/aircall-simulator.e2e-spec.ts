import { AircallCall } from '../src/aircall/aircall-types';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SeededRandom } from './simulator/seeded-random';

/** The simulator's own rules, checked over raw HTTP (the client suite checks them through the client). */
describe('Aircall simulator', () => {
  let sim: AircallSimulator;

  afterEach(async () => {
    await sim?.close();
  });

  const basic = () => {
    const company = sim.company();
    return {
      authorization: `Basic ${Buffer.from(`${company.apiId}:${company.apiToken}`).toString('base64')}`,
    };
  };

  it('lists generated and added calls exactly as a stored, sorted list would', async () => {
    const now = Math.floor(Date.now() / 1000);
    sim = await AircallSimulator.start({
      companies: [{ callCount: 300, callsFrom: now - 10 * 86_400, callsTo: now }],
    });
    const company = sim.company();
    const random = new SeededRandom(99);
    for (let i = 0; i < 25; i += 1) company.addCall({ started_at: now - random.int(0, 12 * 86_400) });
    company.addCall({ started_at: company.calls.startedAtOf(150) });
    const everything: AircallCall[] = [];
    for (let offset = 0; offset < 400; offset += 50)
      everything.push(...company.calls.list({ order: 'asc', offset, limit: 50 }).calls);
    const expected = [...everything].sort((a, b) => a.started_at! - b.started_at! || a.id - b.id);
    expect(everything.map((call) => call.id)).toEqual(expected.map((call) => call.id));
    expect(new Set(everything.map((call) => call.id)).size).toBe(326);

    for (let round = 0; round < 40; round += 1) {
      const from = now - random.int(0, 12 * 86_400);
      const to = from + random.int(0, 5 * 86_400);
      const order = random.chance(0.5) ? 'asc' : 'desc';
      const offset = random.int(0, 60);
      const matching = expected.filter((call) => call.started_at! > from && call.started_at! <= to);
      if (order === 'desc') matching.reverse();
      const page = company.calls.list({ from, to, order, offset, limit: 20 });
      expect(page.total).toBe(matching.length);
      expect(page.calls.map((call) => call.id)).toEqual(
        matching.slice(offset, offset + 20).map((call) => call.id),
      );
    }
  });

  it('sends the rate-limit headers on every answer and locks the company out until the reset', async () => {
    // Five requests must land in one window: 400 ms was too short for a loaded CI machine (the
    // window rolled over before the fourth). Under 10 s the reset still comes in ms.
    sim = await AircallSimulator.start({ companies: 2, rateLimit: 3, rateWindowMs: 4_000 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${sim.baseUrl}/v1/tags`, { headers: basic() });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-aircallapi-limit')).toBe('3');
      remaining.push(response.headers.get('x-aircallapi-remaining')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await fetch(`${sim.baseUrl}/v1/tags`, { headers: basic() });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: 'Too Many Requests', troubleshoot: expect.any(String) });
    const reset = Number(refused.headers.get('x-aircallapi-reset'));
    expect(reset).toBeGreaterThan(1e12);
    expect((await fetch(`${sim.baseUrl}/v1/tags`, { headers: basic() })).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, reset - Date.now() + 5));
    expect((await fetch(`${sim.baseUrl}/v1/tags`, { headers: basic() })).status).toBe(200);
    expect(sim.stats.rateLimited).toBe(2);
    expect(sim.company(0).rateLimited).toBe(2);
    expect(sim.company(1).rateLimited).toBe(0);
  });

  it('gives the reset in unix seconds for real-sized windows', async () => {
    sim = await AircallSimulator.start({ rateLimit: 60, rateWindowMs: 60_000 });
    const response = await fetch(`${sim.baseUrl}/v1/company`, { headers: basic() });
    const reset = Number(response.headers.get('x-aircallapi-reset'));
    expect(reset).toBeLessThan(1e12);
    expect(reset * 1000).toBeGreaterThanOrEqual(Date.now() + 58_000);
  });

  it('answers 401 with Aircall error body for missing or wrong credentials, without spending the budget', async () => {
    sim = await AircallSimulator.start({ rateLimit: 1 });
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer nope' },
      { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` },
    ]) {
      const response = await fetch(`${sim.baseUrl}/v1/calls`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Unauthorized', troubleshoot: expect.any(String) });
    }
    expect((await fetch(`${sim.baseUrl}/v1/calls`, { headers: basic() })).status).toBe(200);
    expect(sim.stats.unauthorized).toBe(3);
  });

  it('plays armed faults only on matching requests, in order', async () => {
    sim = await AircallSimulator.start();
    sim.faults.add({ kind: 'status', status: 502, count: 2, pathPrefix: '/v1/calls' });
    expect((await fetch(`${sim.baseUrl}/v1/tags`, { headers: basic() })).status).toBe(200);
    expect((await fetch(`${sim.baseUrl}/v1/calls`, { headers: basic() })).status).toBe(502);
    expect((await fetch(`${sim.baseUrl}/v1/calls/1`, { headers: basic() })).status).toBe(502);
    expect(sim.faults.pending).toBe(0);
    expect((await fetch(`${sim.baseUrl}/v1/calls`, { headers: basic() })).status).toBe(200);
  });

  it('resets a webhook to all events when PUT leaves events out, and edits the list with events_action', async () => {
    sim = await AircallSimulator.start();
    const headers = { ...basic(), 'content-type': 'application/json' };
    const created = await fetch(`${sim.baseUrl}/v1/webhooks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: 'https://example.invalid/hook', events: ['call.created'] }),
    });
    expect(created.status).toBe(201);
    const { webhook } = (await created.json()) as { webhook: { webhook_id: string; events: string[] } };
    const put = async (query: string, body: unknown) =>
      (
        (await (
          await fetch(`${sim.baseUrl}/v1/webhooks/${webhook.webhook_id}${query}`, {
            method: 'PUT',
            headers,
            body: JSON.stringify(body),
          })
        ).json()) as {
          webhook: { events: string[] };
        }
      ).webhook.events;
    expect(await put('?events_action=add', { events: ['call.ended'] })).toEqual([
      'call.created',
      'call.ended',
    ]);
    expect(await put('?events_action=remove', { events: ['call.created'] })).toEqual(['call.ended']);
    expect((await put('', { active: true })).length).toBeGreaterThan(30);
  });

  it('answers /v1/users as sunset', async () => {
    sim = await AircallSimulator.start();
    expect((await fetch(`${sim.baseUrl}/v1/users`, { headers: basic() })).status).toBe(410);
  });
});
