import { createHash } from 'node:crypto';
import { AircallCall } from '../src/aircall/aircall-types';
import { waitFor } from './support/wait-for';
import { startWebhookReceiver } from './support/webhook-receiver';
import { AircallSimulator } from './simulator/aircall-simulator';
import { MediaKind, mediaPath } from './simulator/media-links';
import { MP3_BITRATE, mp3DurationSeconds } from './simulator/mp3-file';

const START = Date.UTC(2026, 11, 2, 12, 0, 0);
const KIB_256 = 256 * 1024;

const startReceiver = () => startWebhookReceiver<Record<string, any>>();

/** Walks the file frame by frame as a decoder would, from byte 0; stops at the first byte that is not a frame. */
function mp3Frames(body: Buffer): { frames: number; end: number } {
  let at = 0;
  let frames = 0;
  while (at + 4 <= body.length && body[at] === 0xff && (body[at + 1] & 0xf0) === 0xf0) {
    const mpeg1 = ((body[at + 1] >> 3) & 3) === 3;
    const layer3 = ((body[at + 1] >> 1) & 3) === 1;
    const kbps128 = body[at + 2] >> 4 === 9;
    const khz44 = ((body[at + 2] >> 2) & 3) === 0;
    if (!mpeg1 || !layer3 || !kbps128 || !khz44) break;
    at += Math.floor((144 * MP3_BITRATE) / 44_100) + ((body[at + 2] >> 1) & 1);
    frames += 1;
  }
  return { frames, end: at };
}

const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');
const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

/** Reads a body until it ends or breaks, and says how many bytes came. */
async function drain(response: Response): Promise<{ bytes: number; broken: boolean }> {
  const reader = response.body!.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes, broken: false };
      bytes += value.length;
    }
  } catch {
    return { bytes, broken: true };
  }
}

describe('simulator media: recordings and voicemails behind expiring signed links', () => {
  let sim: AircallSimulator;
  let clock: number;

  beforeEach(async () => {
    clock = START;
    sim = await AircallSimulator.start({
      now: () => clock,
      companies: [{ callCount: 120, callsTo: START / 1000 }],
    });
  });
  afterEach(async () => {
    await sim?.close();
  });

  const auth = () => {
    const company = sim.company();
    return {
      authorization: `Basic ${Buffer.from(`${company.apiId}:${company.apiToken}`).toString('base64')}`,
    };
  };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sim.baseUrl}${path}`, { ...init, headers: { ...auth(), ...init.headers } });
  const readCall = async (id: number, query = '') =>
    ((await (await api(`/v1/calls/${id}${query}`)).json()) as { call: AircallCall }).call;
  const storedWith = (kind: MediaKind, nth = 0) =>
    sim
      .company()
      .calls.list({ order: 'asc', offset: 0, limit: 120 })
      .calls.filter((call) => call[kind] !== null)[nth];
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.baseUrl}/_control${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('serves the file a read links to until the link expires; the next read links to it again', async () => {
    const { id } = storedWith('recording');
    const first = (await readCall(id)).recording!;
    const link = new URL(first);
    expect(link.pathname).toBe(mediaPath({ companyId: sim.company().id, callId: id, kind: 'recording' }));
    expect([...link.searchParams.keys()]).toEqual([
      'X-Amz-Algorithm',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-Signature',
    ]);
    expect(link.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(link.searchParams.get('X-Amz-Date')).toBe('20261202T120000Z');
    expect(link.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    const served = await fetch(first);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('audio/mpeg');
    expect(served.headers.get('content-length')).toBe(String(KIB_256));
    expect((await bytesOf(served)).length).toBe(KIB_256);

    clock += 3600_000;
    expect((await fetch(first)).status).toBe(200);
    clock += 1000;
    const expired = await fetch(first);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('content-type')).toBe('application/xml');
    const xml = await expired.text();
    expect(xml).toContain('<Error><Code>AccessDenied</Code><Message>Request has expired</Message>');
    expect(xml).toContain('<Expires>2026-12-02T13:00:00Z</Expires>');

    const again = (await readCall(id)).recording!;
    expect(again).not.toBe(first);
    expect(new URL(again).searchParams.get('X-Amz-Date')).toBe('20261202T130001Z');
    expect((await fetch(again)).status).toBe(200);
  });

  it('signs the links of lists and webhook deliveries too, and mints short links only on fetch_short_urls', async () => {
    const plain = (await (await api('/v1/calls?per_page=50')).json()) as { calls: AircallCall[] };
    const recorded = plain.calls.filter((call) => call.recording !== null);
    expect(recorded.length).toBeGreaterThan(3);
    expect(recorded.every((call) => call.recording!.includes('X-Amz-Signature='))).toBe(true);
    expect(
      plain.calls.every((call) => call.recording_short_url === null && call.voicemail_short_url === null),
    ).toBe(true);

    const voicemail = storedWith('voicemail');
    const withShort = await readCall(voicemail.id, '?fetch_short_urls=true');
    expect(withShort.voicemail_short_url).toMatch(new RegExp(`^${sim.baseUrl}/short/[\\w.-]+$`));
    const redirect = await fetch(withShort.voicemail_short_url!, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const direct = redirect.headers.get('location')!;
    expect(new URL(direct).pathname).toBe(
      mediaPath({ companyId: sim.company().id, callId: voicemail.id, kind: 'voicemail' }),
    );
    expect((await fetch(direct)).status).toBe(200);
    // The short link outlives its first target: 2 hours on it still redirects to a fresh direct link.
    clock += 2 * 3600_000;
    const later = await fetch(withShort.voicemail_short_url!, { redirect: 'manual' });
    expect(later.status).toBe(302);
    expect((await fetch(direct)).status).toBe(403);
    expect((await fetch(later.headers.get('location')!)).status).toBe(200);
    clock += 3600_000 + 1000;
    expect((await fetch(withShort.voicemail_short_url!, { redirect: 'manual' })).status).toBe(404);

    const receiver = await startReceiver();
    try {
      await api('/v1/webhooks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events: ['call.ended'] }),
      });
      const call = storedWith('recording');
      await sim.emitCallEvent(sim.company().id, 'call.ended', call);
      clock += 5000;
      await sim.emitCallEvent(sim.company().id, 'call.ended', call);
      const [early, late] = receiver.received.map((delivery) => delivery.data.recording as string);
      expect(early).not.toBe(late);
      expect((await fetch(late)).status).toBe(200);
      expect(receiver.received[0].data).not.toHaveProperty('recording_short_url');
    } finally {
      await receiver.close();
    }
  });

  it('sends a valid MP3 of mediaBytes bytes, whose MD5 is the ETag, and the same bytes every time', async () => {
    const { id } = storedWith('recording');
    const response = await fetch(sim.mediaLink(sim.company().id, id));
    const body = await bytesOf(response);
    expect(body.length).toBe(KIB_256);
    expect(body[0]).toBe(0xff);
    expect(body[1] >> 4).toBe(0xf);
    expect(response.headers.get('etag')).toBe(`"${md5(body)}"`);
    const { frames, end } = mp3Frames(body);
    expect(end).toBe(body.length);
    const seconds = (frames * 1152) / 44_100;
    expect(Math.abs(seconds - (KIB_256 * 8) / MP3_BITRATE)).toBeLessThan(0.03);
    expect(seconds).toBe(mp3DurationSeconds(KIB_256));

    expect(md5(await bytesOf(await fetch(sim.mediaLink(sim.company().id, id))))).toBe(md5(body));
    const other = storedWith('recording', 1);
    expect(md5(await bytesOf(await fetch(sim.mediaLink(sim.company().id, other.id))))).not.toBe(md5(body));

    sim.setMediaBytes(sim.company().id, other.id, 1_000_000);
    const big = await fetch(sim.mediaLink(sim.company().id, other.id));
    const bigBody = await bytesOf(big);
    expect(big.headers.get('content-length')).toBe('1000000');
    expect(mp3Frames(bigBody).end).toBe(1_000_000);
    expect(big.headers.get('etag')).toBe(`"${md5(bigBody)}"`);
  });

  it('answers a Range with 206 and exactly those bytes, and HEAD with the headers alone', async () => {
    const { id } = storedWith('recording');
    const link = sim.mediaLink(sim.company().id, id);
    const whole = await bytesOf(await fetch(link));

    const part = await fetch(link, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${KIB_256}`);
    expect(part.headers.get('content-length')).toBe('1000');
    expect((await bytesOf(part)).equals(whole.subarray(1000, 2000))).toBe(true);
    const open = await fetch(link, { headers: { range: `bytes=${KIB_256 - 417}-` } });
    expect((await bytesOf(open)).equals(whole.subarray(KIB_256 - 417))).toBe(true);
    const suffix = await fetch(link, { headers: { range: 'bytes=-100' } });
    expect((await bytesOf(suffix)).equals(whole.subarray(KIB_256 - 100))).toBe(true);
    const beyond = await fetch(link, { headers: { range: `bytes=${KIB_256}-` } });
    expect(beyond.status).toBe(416);
    expect(await beyond.text()).toContain('<Code>InvalidRange</Code>');

    const head = await fetch(link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(KIB_256));
    expect(head.headers.get('etag')).toBe(`"${md5(whole)}"`);
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect((await bytesOf(head)).length).toBe(0);
  });

  it('refuses a tampered or unsigned link with SignatureDoesNotMatch, and a missing file with NoSuchKey', async () => {
    const { id } = storedWith('recording');
    const link = new URL(sim.mediaLink(sim.company().id, id));
    const tampered = (name: string, value: string) => {
      const copy = new URL(link);
      copy.searchParams.set(name, value);
      return copy.toString();
    };
    for (const bad of [
      tampered('X-Amz-Expires', '604800'),
      tampered('X-Amz-Date', '20261202T120500Z'),
      tampered('X-Amz-Signature', '0'.repeat(64)),
      `${link.origin}${link.pathname}`,
      link.toString().replace(`/${id}/`, `/${id + 1}/`),
    ]) {
      const refused = await fetch(bad);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    }
    const unrecorded = sim
      .company()
      .calls.list({ order: 'asc', offset: 0, limit: 120 })
      .calls.find((call) => call.recording === null)!;
    const missing = await fetch(sim.mediaLink(sim.company().id, unrecorded.id));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/xml');
    expect(await missing.text()).toContain('<Code>NoSuchKey</Code>');
    expect((await fetch(sim.mediaLink(sim.company().id, 999))).status).toBe(404);
  });

  it('deletes a recording or voicemail through the API (204, rate limited) or the dashboard; the call then shows null', async () => {
    const recorded = storedWith('recording');
    const link = (await readCall(recorded.id)).recording!;
    expect(
      (await fetch(`${sim.baseUrl}/v1/calls/${recorded.id}/recording`, { method: 'DELETE' })).status,
    ).toBe(401);
    const deleted = await api(`/v1/calls/${recorded.id}/recording`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect(deleted.headers.get('x-aircallapi-remaining')).toEqual(expect.any(String));
    expect((await readCall(recorded.id)).recording).toBeNull();
    expect((await readCall(recorded.id, '?fetch_short_urls=true')).recording_short_url).toBeNull();
    expect((await fetch(link)).status).toBe(404);
    expect((await api(`/v1/calls/${recorded.id}/recording`, { method: 'DELETE' })).status).toBe(404);

    const voicemail = storedWith('voicemail');
    expect((await api(`/v1/calls/${voicemail.id}/voicemail`, { method: 'DELETE' })).status).toBe(204);
    expect((await readCall(voicemail.id)).voicemail).toBeNull();

    const other = storedWith('recording', 1);
    const before = (await readCall(other.id)).recording!;
    sim.deleteMedia(sim.company().id, other.id);
    expect((await readCall(other.id)).recording).toBeNull();
    expect((await fetch(before)).status).toBe(404);

    sim.exhaustRateLimit(sim.company().id);
    expect(
      (await api(`/v1/calls/${storedWith('recording', 2).id}/recording`, { method: 'DELETE' })).status,
    ).toBe(429);
    // The files are S3's: Aircall's rate limit does not reach them.
    expect((await fetch(sim.mediaLink(sim.company().id, storedWith('recording', 2).id))).status).toBe(200);
  });

  it('counts each file: requests, downloads started and completed, bytes sent', async () => {
    const { id } = storedWith('recording');
    const companyId = sim.company().id;
    const link = sim.mediaLink(companyId, id);
    expect(sim.mediaFileStats(companyId, id)).toMatchObject({ requests: 0, started: 0, completed: 0 });
    await bytesOf(await fetch(link));
    expect(sim.mediaFileStats(companyId, id)).toEqual({
      companyId,
      callId: id,
      kind: 'recording',
      requests: 1,
      started: 1,
      completed: 1,
      bytesSent: KIB_256,
    });
    await fetch(link, { method: 'HEAD' });
    await bytesOf(await fetch(link, { headers: { range: 'bytes=0-99' } }));
    await fetch(tamper(link));
    expect(sim.mediaFileStats(companyId, id)).toMatchObject({
      requests: 4,
      started: 2,
      completed: 2,
      bytesSent: KIB_256 + 100,
    });
    expect(sim.mediaStats()).toMatchObject({ requests: 4, byStatus: { 200: 2, 206: 1, 403: 1 } });
    expect(sim.stats.requests).toBe(0);
    sim.resetMediaStats();
    expect(sim.mediaStats()).toEqual({ requests: 0, byStatus: {}, files: [] });
  });

  describe('faults', () => {
    const link = () => sim.mediaLink(sim.company().id, storedWith('recording').id);
    const stats = () => sim.mediaFileStats(sim.company().id, storedWith('recording').id);

    it('truncates: the headers promise the whole file, the socket dies after N bytes', async () => {
      sim.faults.add({ kind: 'truncate', afterBytes: 50_000 });
      const response = await fetch(link());
      expect(response.headers.get('content-length')).toBe(String(KIB_256));
      expect(await drain(response)).toEqual({ bytes: 50_000, broken: true });
      expect(stats()).toMatchObject({ started: 1, completed: 0, bytesSent: 50_000 });
      expect(sim.mediaStats().byStatus).toEqual({ truncated: 1 });
      expect(await drain(await fetch(link()))).toEqual({ bytes: KIB_256, broken: false });
    });

    it('stalls after N bytes until released, and lets go of a client that hangs up', async () => {
      sim.faults.add({ kind: 'stall', afterBytes: 10_000, count: 2 });
      const response = await fetch(link());
      const reader = response.body!.getReader();
      let received = 0;
      while (received < 10_000) received += (await reader.read()).value!.length;
      await waitFor(
        () => sim.faults.stalls,
        (stalls) => stalls === 1,
      );
      expect(received).toBe(10_000);
      expect(stats()).toMatchObject({ started: 1, completed: 0, bytesSent: 10_000 });
      expect(sim.faults.releaseStalls()).toBe(1);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
      }
      expect(received).toBe(KIB_256);
      expect(stats()).toMatchObject({ started: 1, completed: 1 });

      const abort = new AbortController();
      const killed = await fetch(link(), { signal: abort.signal });
      await waitFor(
        () => sim.faults.stalls,
        (stalls) => stalls === 1,
      );
      abort.abort();
      await killed.arrayBuffer().catch(() => undefined);
      await waitFor(
        () => sim.faults.stalls,
        (stalls) => stalls === 0,
      );
      await waitFor(stats, (counted) => counted.started === 2);
      expect(stats().completed).toBe(1);
    });

    it('throttles the body to N bytes per second', async () => {
      const { id } = storedWith('recording');
      sim.setMediaBytes(sim.company().id, id, 60_000);
      sim.faults.add({ kind: 'throttle', bytesPerSecond: 100_000 });
      const started = Date.now();
      const body = await bytesOf(await fetch(sim.mediaLink(sim.company().id, id)));
      expect(body.length).toBe(60_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    });

    it('redirects to a foreign URL, and fails with 500 for the next N downloads only', async () => {
      sim.faults.add({ kind: 'redirect', location: 'https://elsewhere.example/file.mp3' });
      const moved = await fetch(link(), { redirect: 'manual' });
      expect(moved.status).toBe(302);
      expect(moved.headers.get('location')).toBe('https://elsewhere.example/file.mp3');

      sim.faults.add({ kind: 'status', status: 500, scope: 'media', count: 2 });
      // An API request leaves a media fault armed, and a media request an API one.
      expect((await api('/v1/company')).status).toBe(200);
      sim.faults.add({ kind: 'status', status: 503 });
      for (let i = 0; i < 2; i += 1) {
        const failed = await fetch(link());
        expect(failed.status).toBe(500);
        expect(await failed.text()).toContain('<Code>InternalError</Code>');
      }
      expect((await fetch(link())).status).toBe(200);
      expect((await api('/v1/company')).status).toBe(503);
      // A refused request never uses a fault up: it is played on the next download that would be served.
      sim.faults.add({ kind: 'status', status: 500, scope: 'media' });
      expect((await fetch(tamper(link()))).status).toBe(403);
      expect(sim.faults.pending).toBe(1);
      expect(() => sim.faults.add({ kind: 'truncate', afterBytes: 1, scope: 'api' })).toThrow(/media/);
    });
  });

  it('sends call.comm_assets_generated with a fresh link to files that did not exist before', async () => {
    const receiver = await startReceiver();
    try {
      await api('/v1/webhooks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events: ['call.ended', 'call.comm_assets_generated'] }),
      });
      const created = await control('POST', '/calls', { direction: 'inbound', talkSeconds: 40 });
      const id = created.body.call.id as number;
      expect(receiver.received.at(-1)).toMatchObject({ event: 'call.ended', data: { recording: null } });

      const deliveries = await sim.generateCommAssets(sim.company().id, id, { bytes: 50_000 });
      expect(deliveries).toEqual([expect.objectContaining({ status: 200 })]);
      const delivery = receiver.received.at(-1)!;
      expect(delivery).toMatchObject({ event: 'call.comm_assets_generated', data: { id, status: 'done' } });
      expect(delivery.data.asset).toBe(`https://assets.aircall.io/calls/${id}/recording`);
      const file = await fetch(delivery.data.recording as string);
      expect(file.status).toBe(200);
      expect((await bytesOf(file)).length).toBe(50_000);

      const missed = await control('POST', '/calls', { answered: false });
      const missedId = missed.body.call.id as number;
      await sim.generateCommAssets(sim.company().id, missedId);
      expect(receiver.received.at(-1)!.data).toMatchObject({ id: missedId, recording: null });
      expect((await fetch(receiver.received.at(-1)!.data.voicemail as string)).status).toBe(200);
      const outbound = await control('POST', '/calls', { direction: 'outbound', answered: false });
      expect(() => sim.addMedia(sim.company().id, outbound.body.call.id as number)).toThrow(
        /no recording or voicemail/,
      );
    } finally {
      await receiver.close();
    }
  });

  it('is driven through /_control: link lifetime, counters, faults, stall release, assets, deletion', async () => {
    const { id } = storedWith('recording');
    expect((await control('GET', '/media')).body).toEqual({
      linkTtlSeconds: 3600,
      mediaBytes: KIB_256,
      stats: { requests: 0, byStatus: {}, files: [] },
    });
    expect((await control('PUT', '/media', { linkTtlSeconds: 60 })).body.linkTtlSeconds).toBe(60);
    expect((await control('PUT', '/media', { linkTtlSeconds: 0 })).status).toBe(400);
    const short = (await readCall(id)).recording!;
    expect(new URL(short).searchParams.get('X-Amz-Expires')).toBe('60');
    expect((await fetch(short, { method: 'HEAD' })).status).toBe(200);
    clock += 61_000;
    expect((await fetch(short, { method: 'HEAD' })).status).toBe(403);
    expect((await control('GET', '/media')).body.stats.byStatus).toEqual({ 200: 1, 403: 1 });
    expect((await control('DELETE', '/media/stats')).body.stats.requests).toBe(0);

    // A stall before the first byte still sends the headers: the client sees a download begin, then wait.
    expect((await control('POST', '/faults', { kind: 'stall', afterBytes: 0 })).body).toEqual({ pending: 1 });
    const held = await fetch(sim.mediaLink(sim.company().id, id));
    expect(held.status).toBe(200);
    await waitFor(
      () => sim.faults.stalls,
      (stalls) => stalls === 1,
    );
    expect((await control('POST', '/faults/release')).body).toEqual({ released: 1 });
    expect((await bytesOf(held)).length).toBe(KIB_256);
    expect((await control('POST', '/faults', { kind: 'status', status: 500, scope: 'media' })).status).toBe(
      200,
    );
    expect((await fetch(sim.mediaLink(sim.company().id, id))).status).toBe(500);
    for (const bad of [
      { kind: 'truncate', afterBytes: 10, scope: 'api' },
      { kind: 'garbage', scope: 'media' },
      { kind: 'throttle', bytesPerSecond: 0 },
      { kind: 'redirect', location: 'not a url' },
      { kind: 'status', scope: 's3' },
    ])
      expect((await control('POST', '/faults', bad)).status).toBe(400);

    const outbound = (await control('POST', '/calls', { direction: 'outbound', answered: false })).body.call;
    expect((await control('POST', `/calls/${outbound.id}/assets`)).status).toBe(400);
    expect((await control('POST', `/calls/${outbound.id}/assets`, { kinds: ['fax'] })).status).toBe(400);
    const assets = await control('POST', `/calls/${outbound.id}/assets`, {
      kinds: ['recording'],
      bytes: 20_000,
    });
    expect(assets.body.events.map((e: { event: string }) => e.event)).toEqual(['call.comm_assets_generated']);
    const link = (await readCall(outbound.id as number)).recording!;
    expect((await bytesOf(await fetch(link))).length).toBe(20_000);

    const removed = await control('DELETE', `/calls/${id}/recording`);
    expect(removed.body.call).toMatchObject({ id, recording: null });
    expect((await readCall(id)).recording).toBeNull();
  });
});

/** The same link with its signature changed. */
function tamper(link: string): string {
  const url = new URL(link);
  url.searchParams.set('X-Amz-Signature', 'f'.repeat(64));
  return url.toString();
}
