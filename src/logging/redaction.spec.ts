import { JsonLogger } from './json-logger';
import { redact, scrub } from './redaction';
import { openRequestContext, openRequestContexts } from './request-context';

describe('redact', () => {
  it('replaces values under secret-sounding keys at any depth', () => {
    const out = redact({
      token: 'tok',
      nested: { apiToken: 'a', authorization: 'Bearer b', code: 'c', list: [{ client_secret: 's' }] },
      country_code: 'FR',
    });
    expect(out).toEqual({
      token: '[redacted]',
      nested: {
        apiToken: '[redacted]',
        authorization: '[redacted]',
        code: '[redacted]',
        list: [{ client_secret: '[redacted]' }],
      },
      country_code: 'FR',
    });
  });

  it('scrubs credentials embedded in free text', () => {
    expect(scrub('GET /oauth/callback?code=abc123&state=xyz failed')).toBe(
      'GET /oauth/callback?code=[redacted]&state=[redacted] failed',
    );
    expect(scrub('sent Authorization: Bearer sk_live_42 and Basic dXNlcjpwYXNz')).toBe(
      'sent Authorization: Bearer [redacted] and Basic [redacted]',
    );
    expect(scrub('body {"token":"wh-secret","event":"call.created"}')).toBe(
      'body {"token":"[redacted]","event":"call.created"}',
    );
    expect(scrub('connect mysql://app:hunter2@db:3306/x')).toBe('connect mysql://app:[redacted]@db:3306/x');
  });
});

describe('JsonLogger', () => {
  const capture = (level = 'debug') => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = new JsonLogger(level, (_stream, line) =>
      lines.push(JSON.parse(line) as Record<string, unknown>),
    );
    return { logger, lines };
  };

  it('stamps lines written inside a request with its id, and only those', () => {
    const { logger, lines } = capture();
    const context = openRequestContext({ requestId: 'req-1' });
    context.run(() => logger.log({ msg: 'inside' }, 'Test'));
    logger.log('outside');
    context.release();
    expect(lines[0]).toMatchObject({ level: 'log', context: 'Test', msg: 'inside', requestId: 'req-1' });
    expect(lines[1].requestId).toBeUndefined();
  });

  it('keeps a context across awaits while it is open, and closes it with the last release', async () => {
    const { logger, lines } = capture();
    const first = openRequestContext({ requestId: 'req-a' });
    const second = openRequestContext({ requestId: 'req-b' });
    await Promise.all([
      first.run(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        logger.log('a after await');
      }),
      second.run(async () => {
        await Promise.resolve();
        logger.log('b after await');
      }),
    ]);
    first.release();
    first.release(); // twice is harmless
    expect(openRequestContexts()).toBe(1);
    await second.run(async () => {
      await Promise.resolve();
      logger.log('b still open');
    });
    second.release();
    expect(openRequestContexts()).toBe(0);
    logger.log('after both');
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ['b after await', 'req-b'],
      ['a after await', 'req-a'],
      ['b still open', 'req-b'],
      ['after both', undefined],
    ]);
  });

  it('drops lines below its level', () => {
    const { logger, lines } = capture('log');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('never writes a secret passed as a field, an error message or a plain string', () => {
    const { logger, lines } = capture();
    logger.warn({ msg: 'x', token: 'T0KEN' });
    logger.error(new Error('refused Bearer T0KEN'));
    logger.log('callback?code=T0KEN');
    expect(JSON.stringify(lines)).not.toContain('T0KEN');
  });
});
