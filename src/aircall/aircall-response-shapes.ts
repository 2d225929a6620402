import { AircallPageMeta } from './aircall-types';

/**
 * Checks that an Aircall body has the documented shape before the rest of the service trusts it.
 * A wrong shape is reported as a string (the transport turns it into AircallBadResponseError).
 */
export type ShapeCheck<T> = (body: unknown) => { ok: true; value: T } | { ok: false; problem: string };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPageMeta(value: unknown): value is AircallPageMeta {
  if (!isRecord(value)) return false;
  const numbers = ['count', 'total', 'current_page', 'per_page'].every(
    (key) => typeof value[key] === 'number',
  );
  const links = ['next_page_link', 'previous_page_link'].every(
    (key) => value[key] === null || value[key] === undefined || typeof value[key] === 'string',
  );
  return numbers && links;
}

function normaliseMeta(meta: AircallPageMeta): AircallPageMeta {
  return {
    ...meta,
    next_page_link: meta.next_page_link ?? null,
    previous_page_link: meta.previous_page_link ?? null,
  };
}

/** Objects that must at least carry an `id` field of this type (Aircall's numeric ids, webhook uuids). */
function hasId(item: unknown, idKey: string, idType: 'number' | 'string'): boolean {
  return (
    isRecord(item) &&
    (typeof item[idKey] === idType || (idType === 'number' && typeof item[idKey] === 'string'))
  );
}

/** `{ <key>: T[], meta }` — every list endpoint (https://support.aircall.io/en-gb/articles/34702023578397). */
export function pageOf<T>(
  key: string,
  idKey = 'id',
  idType: 'number' | 'string' = 'number',
): ShapeCheck<{ items: T[]; meta: AircallPageMeta }> {
  return (body) => {
    if (!isRecord(body)) return { ok: false, problem: 'body is not a JSON object' };
    const items = body[key];
    if (!Array.isArray(items)) return { ok: false, problem: `"${key}" is not an array` };
    if (!items.every((item) => hasId(item, idKey, idType)))
      return { ok: false, problem: `an item of "${key}" has no ${idKey}` };
    if (!isPageMeta(body.meta)) return { ok: false, problem: '"meta" is missing or malformed' };
    return { ok: true, value: { items: items as T[], meta: normaliseMeta(body.meta) } };
  };
}

/** `{ <key>: T }` — every single-object endpoint. */
export function objectOf<T>(
  key: string,
  idKey?: string,
  idType: 'number' | 'string' = 'number',
): ShapeCheck<T> {
  return (body) => {
    if (!isRecord(body) || !isRecord(body[key])) return { ok: false, problem: `"${key}" is not an object` };
    if (idKey !== undefined && !hasId(body[key], idKey, idType))
      return { ok: false, problem: `"${key}" has no ${idKey}` };
    return { ok: true, value: body[key] as T };
  };
}

/** The OAuth token endpoint's answer (Doorkeeper-style fields, docs/aircall-behaviour.md §8). */
export const oauthTokenShape: ShapeCheck<{ access_token: string; token_type?: string; scope?: string }> = (
  body,
) => {
  if (!isRecord(body) || typeof body.access_token !== 'string' || body.access_token === '') {
    return { ok: false, problem: '"access_token" is missing' };
  }
  return {
    ok: true,
    value: {
      access_token: body.access_token,
      token_type: typeof body.token_type === 'string' ? body.token_type : undefined,
      scope: typeof body.scope === 'string' ? body.scope : undefined,
    },
  };
};

/** Accepts any body (DELETE answers 200/204 with nothing useful). */
export const anyBody: ShapeCheck<void> = () => ({ ok: true, value: undefined });
