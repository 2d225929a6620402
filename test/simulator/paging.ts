import { AircallPageMeta } from '../../src/aircall/aircall-types';
import { badRequest, SimulatorHttpError } from './simulator-http-error';

/** Aircall's paging rules (https://support.aircall.io/en-gb/articles/34702023578397). */
export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 50;
export const MAX_RECORDS_PER_QUERY = 10_000;

/**
 * Past the 10,000th record Aircall answers 400 with this body, whatever `meta.total` says (recorded
 * body 12), and not with its usual `{error, troubleshoot}`.
 */
export class PaginationCapError extends SimulatorHttpError {
  constructor() {
    super(400, 'Bad Request', 'BAD_REQUEST');
  }

  override get body(): Record<string, unknown> {
    return {
      error: 'Bad Request',
      data: null,
      message: 'BAD_REQUEST',
      errors:
        'Your query is limited to 10k results and pagination is out of bound, please use timestamps or other filters.',
      troubleshoot: 'BAD_REQUEST',
      success: false,
    };
  }
}

export interface Paging {
  page: number;
  perPage: number;
  offset: number;
}

/** A positive integer query parameter, or undefined when absent; 400 otherwise. */
export function integerParam(url: URL, name: string, minimum: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw) || Number(raw) < minimum)
    throw badRequest(`${name} must be an integer >= ${minimum}`);
  return Number(raw);
}

/**
 * `page` (default 1) and `per_page` (default 20, silently clamped to 50). Any request reaching past
 * the 10,000th record is refused with 400, whatever the total: "page and per_page do not bypass the
 * 10,000-record limit".
 */
export function parsePaging(url: URL): Paging {
  const page = integerParam(url, 'page', 1) ?? 1;
  const perPage = Math.min(MAX_PER_PAGE, integerParam(url, 'per_page', 1) ?? DEFAULT_PER_PAGE);
  if (page * perPage > MAX_RECORDS_PER_QUERY) throw new PaginationCapError();
  return { page, perPage, offset: (page - 1) * perPage };
}

function linkTo(url: URL, baseUrl: string, page: number, perPage: number): string {
  const link = new URL(url.pathname + url.search, baseUrl);
  link.searchParams.set('page', String(page));
  link.searchParams.set('per_page', String(perPage));
  return link.toString();
}

/** The `meta` block with absolute next/previous links that keep the other query parameters. */
export function pageMeta(
  url: URL,
  baseUrl: string,
  paging: Paging,
  count: number,
  total: number,
): AircallPageMeta {
  const hasNext = paging.page * paging.perPage < total;
  return {
    count,
    total,
    current_page: paging.page,
    per_page: paging.perPage,
    next_page_link: hasNext ? linkTo(url, baseUrl, paging.page + 1, paging.perPage) : null,
    previous_page_link: paging.page > 1 ? linkTo(url, baseUrl, paging.page - 1, paging.perPage) : null,
  };
}
