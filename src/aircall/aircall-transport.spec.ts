import {
  AircallAuthError,
  AircallBadResponseError,
  AircallNetworkError,
  AircallNotFoundError,
  AircallRateLimitedError,
  AircallRequestError,
  AircallServerError,
} from './aircall-errors';
import { AircallRateLimiter } from './aircall-rate-limiter';
import { pageOf } from './aircall-response-shapes';
import { backoffDelay } from './aircall-retry-policy';
import { AircallTransport, FetchLike } from './aircall-transport';

type Answer = { status: number; body?: string; headers?: Record<string, string> } | { thrown: unknown };

function transportAnswering(answers: Answer[], maxAttempts = 3) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if ('thrown' in answer) throw answer.thrown;
    return new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
  };
  const clock = { now: () => Date.now(), sleep: () => Promise.resolve() };
  const transport = new AircallTransport({
    baseUrl: 'http://aircall.test/',
    timeoutMs: 1000,
    retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 10 },
    maxRateLimitWaits: 2,
    windowMs: 60_000,
    limiter: new AircallRateLimiter({ limit: 100, windowMs: 60_000, clock }),
    clock,
    fetch,
  });
  return { transport, calls };
}

const credentials = { kind: 'basic' as const, apiId: 'id-1', apiToken: 'secret-token-xyz' };
const request = {
  method: 'GET' as const,
  path: '/v1/tags',
  credentials,
  query: { page: 2, per_page: 50, from: undefined },
  shape: pageOf('tags'),
};
const goodBody = JSON.stringify({
  tags: [{ id: 1, name: 'vip' }],
  meta: { count: 1, total: 1, current_page: 2, per_page: 50, next_page_link: null, previous_page_link: null },
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('AircallTransport', () => {
  it('sends Basic auth and the query, and returns the checked body with the server time', async () => {
    const { transport, calls } = transportAnswering([
      { status: 200, body: goodBody, headers: { date: 'Tue, 14 Nov 2023 22:13:20 GMT' } },
    ]);
    const response = await transport.request(request);
    expect(calls[0].url).toBe('http://aircall.test/v1/tags?page=2&per_page=50');
    expect((calls[0].init.headers as Record<string, string>).authorization).toBe(
      `Basic ${Buffer.from('id-1:secret-token-xyz').toString('base64')}`,
    );
    expect(response.value.items).toEqual([{ id: 1, name: 'vip' }]);
    expect(response.serverTime.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  it.each([401, 403])('maps %i to AircallAuthError without retrying', async (status) => {
    const { transport, calls } = transportAnswering([
      { status, body: '{"error":"Unauthorized","troubleshoot":"Check your key"}' },
    ]);
    const error = await failure(transport.request(request));
    expect(error).toBeInstanceOf(AircallAuthError);
    expect(error.message).toContain('Unauthorized');
    expect(error.message).not.toContain('secret-token-xyz');
    expect(calls).toHaveLength(1);
  });

  it('maps 404 to AircallNotFoundError and other 4xx to AircallRequestError with Aircall details', async () => {
    expect(await failure(transportAnswering([{ status: 404 }]).transport.request(request))).toBeInstanceOf(
      AircallNotFoundError,
    );
    const { transport, calls } = transportAnswering([
      { status: 400, body: '{"error":"Bad Request","troubleshoot":"10,000 max"}' },
    ]);
    const error = await failure(transport.request(request));
    expect(error).toBeInstanceOf(AircallRequestError);
    expect(error).toMatchObject({
      status: 400,
      aircallError: 'Bad Request',
      troubleshoot: '10,000 max',
      retryable: false,
    });
    expect(calls).toHaveLength(1);
  });

  it('retries 5xx and succeeds, counting the retries', async () => {
    const { transport, calls } = transportAnswering([
      { status: 502 },
      { status: 503 },
      { status: 200, body: goodBody },
    ]);
    await transport.request(request);
    expect(calls).toHaveLength(3);
    expect(transport.stats).toEqual({ requests: 3, rateLimited: 0, retries: 2 });
  });

  it('gives up after the bounded attempts with the typed error of the last failure', async () => {
    expect(await failure(transportAnswering([{ status: 500 }]).transport.request(request))).toBeInstanceOf(
      AircallServerError,
    );
    expect(
      await failure(transportAnswering([{ status: 200, body: 'not json' }]).transport.request(request)),
    ).toBeInstanceOf(AircallBadResponseError);
    expect(
      await failure(
        transportAnswering([{ status: 200, body: '{"tags": "nope"}' }]).transport.request(request),
      ),
    ).toBeInstanceOf(AircallBadResponseError);
    const network = transportAnswering([{ thrown: new TypeError('fetch failed') }]);
    expect(await failure(network.transport.request(request))).toBeInstanceOf(AircallNetworkError);
    expect(network.calls).toHaveLength(3);
  });

  it('reports a timeout as AircallNetworkError', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const error = await failure(transportAnswering([{ thrown: timeout }], 1).transport.request(request));
    expect(error).toBeInstanceOf(AircallNetworkError);
    expect(error.message).toMatch(/timed out after 1000 ms/);
  });

  it('does not retry a request marked as not repeatable', async () => {
    const { transport, calls } = transportAnswering([{ status: 503 }, { status: 200, body: goodBody }]);
    expect(await failure(transport.request({ ...request, retryTransient: false }))).toBeInstanceOf(
      AircallServerError,
    );
    expect(calls).toHaveLength(1);
  });

  it('waits out 429s until the reset, then throws AircallRateLimitedError with that reset', async () => {
    const resetSeconds = Math.floor(Date.now() / 1000);
    const tooMany = {
      status: 429,
      headers: { 'x-aircallapi-reset': String(resetSeconds), 'x-aircallapi-remaining': '0' },
    };
    const recovered = transportAnswering([tooMany, { status: 200, body: goodBody }]);
    await recovered.transport.request(request);
    expect(recovered.transport.stats).toEqual({ requests: 2, rateLimited: 1, retries: 1 });

    const stuck = transportAnswering([tooMany]);
    const error = await failure(stuck.transport.request(request));
    expect(error).toBeInstanceOf(AircallRateLimitedError);
    expect((error as AircallRateLimitedError).resetAt.getTime()).toBe(resetSeconds * 1000);
    expect(stuck.calls).toHaveLength(3);
  });
});

describe('backoffDelay', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

  it('draws uniformly below an exponentially growing, capped ceiling', () => {
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, () => 0.999)).toBe(399);
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});
