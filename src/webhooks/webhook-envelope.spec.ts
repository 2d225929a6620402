import { createHash } from 'node:crypto';
import { validateSync } from 'class-validator';
import {
  EnvelopeError,
  isUnicodeSafeJson,
  parseEnvelope,
  passesEnvelopeDecorators,
  WebhookEnvelope,
} from './webhook-envelope';
import { deliveryFingerprint } from './webhook-inbox';
import { retryDelayMs } from './inbox-processor';

const valid = {
  resource: 'call',
  event: 'call.created',
  timestamp: 1_717_236_000,
  token: 't',
  data: { id: 12345, status: 'initial' },
};

describe('parseEnvelope', () => {
  it('accepts Aircall’s envelope', () => {
    expect(parseEnvelope({ ...valid }).event).toBe('call.created');
  });
  it('leaves the call payload to the applier: a wrong field is quarantined there, never refused here', () => {
    expect(parseEnvelope({ ...valid, data: { id: 1, duration: 'long' } }).data).toEqual({
      id: 1,
      duration: 'long',
    });
  });
  it('accepts events of resources it does not apply (kept, then skipped)', () => {
    expect(
      parseEnvelope({ ...valid, resource: 'message', event: 'message.sent', data: { id: 'abc' } }).resource,
    ).toBe('message');
  });
  it.each([
    [{ event: undefined }, /event is required/],
    [{ event: 'created' }, /event must look like/],
    [{ timestamp: 1.5 }, /timestamp must be an integer/],
    [{ timestamp: -3 }, /positive/],
    [{ data: null }, /data must be a JSON object/],
    [{ data: { id: -1 } }, /data.id must be a positive integer/],
    [{ event: { constructor: null } }, /event must be a string/],
    [{ data: { id: 1, status: 'done\ud800' } }, /lone surrogate/],
    [{ data: JSON.parse('{"id": 1, "__proto__": null}') }, /"__proto__" is not allowed/],
    [{ data: { id: 1, user: { constructor: 5 } } }, /"constructor" is not allowed/],
    [
      { data: { id: 1, extra: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) } },
      /nested deeper than 32 levels/,
    ],
  ])('rejects %j naming the field', (patch, message) => {
    expect(() => parseEnvelope({ ...valid, ...patch } as Record<string, unknown>)).toThrow(EnvelopeError);
    expect(() => parseEnvelope({ ...valid, ...patch } as Record<string, unknown>)).toThrow(message);
  });
});

describe('passesEnvelopeDecorators', () => {
  it('agrees with validateSync on thousands of generated envelopes', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
    // Each field: values the decorators accept, then values they refuse (or that test their edges).
    const anything = [undefined, null, true, 0, 1, -1, 1.5, NaN, Infinity, '', [], {}, ['call'], { id: 1 }];
    const fields: Record<keyof WebhookEnvelope, [unknown[], unknown[]]> = {
      resource: [
        ['call', 'user', 'number_x', '_', 'a'.repeat(32)],
        ['Call', 'call1', 'call.created', 'cäll', 'a'.repeat(33), 'call\n', ' call', '😀', ...anything],
      ],
      event: [
        [
          'call.created',
          'call.ringing_on_agent',
          'contact.v2.updated',
          'call.created1',
          `a.${'b'.repeat(62)}`,
        ],
        [
          'call',
          'call.',
          '.created',
          'call..created',
          'Call.created',
          'call.Created',
          'call.created\n',
          'call. created',
          `a.${'b'.repeat(63)}`,
          'call.😀',
          'call.créé',
          ...anything,
        ],
      ],
      timestamp: [
        [1, 1_717_236_000, 32_503_680_000, 2 ** 53, Number.MAX_VALUE],
        [0, -5, 1.5, NaN, Infinity, -Infinity, '1717236000', ...anything],
      ],
      token: [
        ['t', '', 'x'.repeat(600)],
        [5, null, undefined, ['t'], { t: 1 }],
      ],
      data: [
        [{}, { id: 1 }, { id: 'abc', nested: { a: [1, 2] } }],
        [[], [{ id: 1 }], null, undefined, 'data', 7, false],
      ],
    };
    const field = (name: keyof WebhookEnvelope): unknown => pick(fields[name][random() < 0.9 ? 0 : 1]);
    let passed = 0;
    let failed = 0;
    for (let i = 0; i < 5000; i++) {
      const envelope = Object.assign(new WebhookEnvelope(), {
        resource: field('resource'),
        event: field('event'),
        timestamp: field('timestamp'),
        token: field('token'),
        data: field('data'),
      });
      const expected = validateSync(envelope, { forbidUnknownValues: false }).length === 0;
      if (passesEnvelopeDecorators(envelope) !== expected)
        throw new Error(`disagree on ${JSON.stringify(envelope)}`);
      if (expected) passed++;
      else failed++;
    }
    // Both answers were exercised, many times.
    expect(passed).toBeGreaterThan(200);
    expect(failed).toBeGreaterThan(200);
  });
});

describe('deliveryFingerprint', () => {
  it('is the same for a retried delivery and differs for another event of the same call', () => {
    expect(deliveryFingerprint(valid)).toBe(
      deliveryFingerprint({ ...valid, data: { id: 12345, status: 'initial' } }),
    );
    expect(deliveryFingerprint(valid)).not.toBe(deliveryFingerprint({ ...valid, event: 'call.answered' }));
    expect(deliveryFingerprint(valid)).not.toBe(
      deliveryFingerprint({ ...valid, timestamp: valid.timestamp + 1 }),
    );
  });

  it('is the time, then SHA-256 of "event\\ntimestamp\\ndata JSON", as stored by earlier versions (a retry across an upgrade stays one row)', () => {
    const data = { id: 12345, status: 'initial', note: 'O\'Brien "x" é' };
    const digest = createHash('sha256')
      .update(`call.created\n1717236000\n${JSON.stringify(data)}`)
      .digest('hex');
    expect(deliveryFingerprint({ event: 'call.created', timestamp: 1_717_236_000, data })).toBe(
      `${(1_717_236_000).toString(16).padStart(10, '0')}${digest.slice(0, 22)}`,
    );
  });

  it('leads with the envelope time, so later deliveries sort after earlier ones (inbox rows cluster by time)', () => {
    const at = (timestamp: number, id: number) =>
      deliveryFingerprint({ event: 'call.created', timestamp, data: { id } });
    expect(at(1_717_236_000, 1)).toMatch(/^[0-9a-f]{32}$/);
    expect(at(1_717_236_000, 1).slice(0, 10)).toBe((1_717_236_000).toString(16).padStart(10, '0'));
    // The year 3000, the largest timestamp an envelope may carry, still fits the 10 characters.
    expect(at(32_503_680_000, 1).slice(0, 10)).toBe('07915ecc00');
    const times = [1_717_236_999, 1_600_000_000, 1_717_236_000, 1_717_236_001, 1_900_000_000];
    const ids = times.map((t, i) => at(t, 100 - i));
    expect([...ids].sort()).toEqual([...times].sort((a, b) => a - b).map((t) => ids[times.indexOf(t)]));
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially with jitter and is capped at an hour', () => {
    for (let attempt = 1; attempt < 8; attempt++) {
      const base = 1000 * 2 ** attempt;
      const delay = retryDelayMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(base / 2);
      expect(delay).toBeLessThanOrEqual(base);
    }
    expect(retryDelayMs(40)).toBeLessThanOrEqual(3_600_000);
  });
});

describe('isUnicodeSafeJson', () => {
  it('accepts text decoded from UTF-8 without \\u escapes, which cannot hold a lone surrogate', () => {
    // Encoded surrogates (CESU-8) and stray bytes decode to U+FFFD, never to a surrogate.
    const decoded = Buffer.concat([
      Buffer.from('{"token":"t","data":{"name":"'),
      Buffer.from([0xed, 0xa0, 0x80, 0xff]),
      Buffer.from('é 📞"}}'),
    ]).toString('utf8');
    expect(isUnicodeSafeJson(decoded)).toBe(true);
    expect(
      /[\ud800-\udfff](?![\udc00-\udfff])/.test(JSON.stringify(JSON.parse(decoded)).replace(/📞/g, '')),
    ).toBe(false);
    expect(isUnicodeSafeJson('{"name":"\\ud800"}')).toBe(false);
    expect(isUnicodeSafeJson('{"name":"\\u00e9"}')).toBe(false);
  });

  it('still refuses a lone surrogate from an escape when the text was not safe', () => {
    const body = JSON.parse(
      '{"resource":"call","event":"call.created","timestamp":1717236000,"token":"t","data":{"id":1,"name":"\\ud800"}}',
    ) as Record<string, unknown>;
    expect(() => parseEnvelope(body, false)).toThrow('lone surrogate');
  });
});
