/** Keys whose values are never written to a log line, whatever module logs them. */
const SECRET_KEYS =
  /token|secret|password|passwd|authorization|cookie|api_?key|apikey|credentials|^code$|oauth_?code|auth_?code|signature|^state$/i;

/**
 * Secrets that can hide inside free text (an error message quoting a URL or a header): bearer and
 * basic credentials, and the query parameters that carry OAuth codes, states and tokens.
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [
    /([?&](?:code|state|token|access_token|refresh_token|api_?key|api_token|client_secret)=)[^&\s"'#]+/gi,
    '$1[redacted]',
  ],
  [
    /("(?:token|api_?token|access_token|refresh_token|client_secret|password)"\s*:\s*")[^"]*"/gi,
    '$1[redacted]"',
  ],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1[redacted]@'],
];

/** Removes credentials embedded in a piece of text. */
export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A copy of `value` safe to log: values under secret-sounding keys replaced, strings scrubbed of
 * embedded credentials, nesting bounded (a log line is not a dump).
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  // A bigint is written as a string, which every JSON reader can hold without losing digits.
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return scrub(value.message);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}
