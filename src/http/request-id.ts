import { randomUUID } from 'node:crypto';

/** What we accept from a caller's (or load balancer's) X-Request-Id: short, printable, no separators that could forge log fields. */
const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The caller's request id when it is a sensible one, otherwise a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTABLE.test(value) ? value : randomUUID();
}

/** The id the request lifecycle gave the request this response answers (stamped on its own log lines). */
export function requestIdOf(res: { getHeader(name: string): unknown }): string | undefined {
  const id = res.getHeader(REQUEST_ID_HEADER);
  return typeof id === 'string' ? id : undefined;
}
