import { IsInt, IsObject, IsString, Matches, MaxLength, Min, validateSync } from 'class-validator';

const RESOURCE_NAME = /^[a-z_]+$/;
const EVENT_NAME = /^[a-z_]+(\.[a-z0-9_]+)+$/;

/**
 * Aircall's delivery envelope: `resource`, `event`, `timestamp` (unix seconds when the payload was
 * built), `token` (identifies the webhook, hence the account) and `data` (the full object at that
 * time) — https://developer.aircall.io/api-references/#webhooks (docs/aircall-behaviour.md §1).
 */
export class WebhookEnvelope {
  @IsString()
  @MaxLength(32)
  @Matches(RESOURCE_NAME, { message: 'resource must be a lower-case resource name such as "call"' })
  resource: string;

  @IsString()
  @MaxLength(64)
  @Matches(EVENT_NAME, { message: 'event must look like "call.created"' })
  event: string;

  @IsInt({ message: 'timestamp must be an integer (unix seconds)' })
  @Min(1, { message: 'timestamp must be a positive unix time in seconds' })
  timestamp: number;

  @IsString()
  token: string;

  @IsObject({ message: 'data must be a JSON object' })
  data: Record<string, unknown>;
}

export class EnvelopeError extends Error {}

/**
 * True when validateSync would find nothing wrong with the envelope: the decorators above, written out
 * (IsString, MaxLength and Matches on ASCII-only patterns, where MaxLength's character count is the
 * string's length; IsInt and Min; IsObject). Valid deliveries skip class-validator, whose metadata
 * lookups and error objects were a tenth of the bytes a delivery allocated on the main thread; any
 * other envelope goes through validateSync, which names what is wrong. webhook-envelope.spec.ts checks
 * that this agrees with validateSync on thousands of generated envelopes.
 */
export function passesEnvelopeDecorators(e: WebhookEnvelope): boolean {
  const { resource, event, timestamp, data } = e;
  return (
    typeof resource === 'string' &&
    resource.length <= 32 &&
    RESOURCE_NAME.test(resource) &&
    typeof event === 'string' &&
    event.length <= 64 &&
    EVENT_NAME.test(event) &&
    typeof timestamp === 'number' &&
    Number.isInteger(timestamp) &&
    timestamp >= 1 &&
    typeof e.token === 'string' &&
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data)
  );
}

/** Unix seconds far in the future mean a milliseconds timestamp or garbage: refuse rather than misorder. */
const MAX_TIMESTAMP = 32503680000; // year 3000

/** Deeper than any Aircall object (a Call nests about four levels); bounds the recursion of the validators. */
const MAX_DEPTH = 32;
/** A UTF-16 surrogate without its pair: not Unicode text, and refused by MySQL's JSON columns. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Checks the body's structure before class-transformer and class-validator see it: both recurse into
 * whatever they are given and crash (stack overflow, objects keyed `constructor`) on hostile input,
 * which would answer 503 and make the sender retry forever. It recurses no deeper than MAX_DEPTH, so it
 * cannot overflow itself.
 * `unicodeSafe`: the body was decoded from UTF-8 text without `\u` escapes, so none of its strings can
 * hold a lone surrogate and the per-string check, a regular expression per string, is skipped.
 */
function structuralProblem(body: Record<string, unknown>, unicodeSafe: boolean): string | null {
  for (const field of ['resource', 'event', 'token'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'string') return `${field} must be a string`;
  }
  if (body.timestamp !== undefined && typeof body.timestamp !== 'number')
    return 'timestamp must be an integer (unix seconds)';
  return nestingProblem(body, 0, unicodeSafe);
}

/**
 * The first problem under `value` (depth-first), or null. Recursive, at most MAX_DEPTH frames deep:
 * it allocates nothing per node, where an explicit stack would allocate a pair per value, and every
 * byte allocated on the main thread brings the next collection closer.
 */
function nestingProblem(value: unknown, depth: number, unicodeSafe: boolean): string | null {
  if (typeof value === 'string')
    return !unicodeSafe && LONE_SURROGATE.test(value)
      ? 'strings must be valid Unicode (lone surrogate)'
      : null;
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_DEPTH) return `the body is nested deeper than ${MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = nestingProblem(value[i], depth + 1, unicodeSafe);
      if (problem) return problem;
    }
    return null;
  }
  for (const key in value) {
    if (!unicodeSafe && LONE_SURROGATE.test(key)) return 'keys must be valid Unicode (lone surrogate)';
    // No Aircall object has them; class-transformer crashes on them (it reads value.constructor),
    // and they are the prototype-pollution vectors.
    if (key === '__proto__' || key === 'constructor') return `the key "${key}" is not allowed`;
    const problem = nestingProblem((value as Record<string, unknown>)[key], depth + 1, unicodeSafe);
    if (problem) return problem;
  }
  return null;
}

/** True when JSON text decoded from UTF-8 cannot produce a lone surrogate: only `\u` escapes can. */
export function isUnicodeSafeJson(text: string): boolean {
  return !text.includes('\\u');
}

/**
 * Validates a parsed body (already known to carry a token) and returns the typed envelope, or throws
 * naming the field. `unicodeSafe` only when the body was parsed from text isUnicodeSafeJson accepts.
 */
export function parseEnvelope(body: Record<string, unknown>, unicodeSafe = false): WebhookEnvelope {
  const structural = structuralProblem(body, unicodeSafe);
  if (structural) throw new EnvelopeError(`invalid webhook envelope: ${structural}`);
  // The five envelope fields onto the class, without class-transformer's deep copy of `data`, which
  // would copy the whole payload per delivery; the validators do not look inside data.
  const envelope = Object.assign(new WebhookEnvelope(), {
    resource: body.resource,
    event: body.event,
    timestamp: body.timestamp,
    token: body.token,
    data: body.data,
  });
  const errors = passesEnvelopeDecorators(envelope)
    ? []
    : validateSync(envelope, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const messages = errors.map((e) =>
      e.value === undefined ? `${e.property} is required` : Object.values(e.constraints ?? {}).join('; '),
    );
    throw new EnvelopeError(`invalid webhook envelope: ${messages.join('; ')}`);
  }
  if (Array.isArray(envelope.data))
    throw new EnvelopeError('invalid webhook envelope: data must be a JSON object');
  if (envelope.timestamp > MAX_TIMESTAMP)
    throw new EnvelopeError('invalid webhook envelope: timestamp must be unix seconds');
  const id = envelope.data.id;
  if (
    id !== undefined &&
    !(typeof id === 'number' && Number.isSafeInteger(id) && id > 0) &&
    !(typeof id === 'string' && id.length <= 64)
  ) {
    throw new EnvelopeError('invalid webhook envelope: data.id must be a positive integer');
  }
  return envelope;
}
