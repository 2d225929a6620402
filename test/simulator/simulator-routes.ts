import { AircallCall } from '../../src/aircall/aircall-types';
import { CallDetailsFlags, restCallView } from './call-generator';
import { integrationUserOf, v2User } from './directory-generator';
import { MEDIA_KINDS, MediaKind, MediaLinkSigner } from './media-links';
import { integerParam, pageMeta, parsePaging } from './paging';
import { SimulatedCompany } from './simulated-company';
import { badRequest, notFound, SimulatorHttpError } from './simulator-http-error';
import { StoredWebhook } from './webhook-registry';

/** An authenticated API request, as the route handlers see it. */
export interface ApiRequest {
  method: string;
  url: URL;
  /** Path segments, e.g. ['v1', 'calls', '123']. */
  segments: string[];
  body: Record<string, unknown> | undefined;
  company: SimulatedCompany;
  /** The Bearer token when the caller used OAuth, null for Basic. */
  oauthToken: string | null;
  baseUrl: string;
  now: number;
  historyStart: number | undefined;
  /** Signs the media links of each call shown. */
  media: MediaLinkSigner;
}

export interface ApiAnswer {
  status: number;
  body?: unknown;
}

/**
 * A webhook as the API shows it (recorded bodies 10 and 11): the token always (the live list returns
 * it too), the deprecated integer `id` only in lists.
 */
function webhookView(webhook: StoredWebhook, baseUrl: string, inList: boolean): Record<string, unknown> {
  return {
    ...(inList ? { id: webhook.legacyId } : {}),
    webhook_id: webhook.webhook_id,
    direct_link: `${baseUrl}/v1/webhooks/${webhook.webhook_id}`,
    created_at: webhook.created_at,
    url: webhook.url,
    active: webhook.active,
    events: webhook.events,
    token: webhook.token,
  };
}

function page<T>(
  request: ApiRequest,
  key: string,
  items: readonly T[],
  meta: 'with-links' | 'without-links' = 'with-links',
): ApiAnswer {
  const paging = parsePaging(request.url);
  const order = request.url.searchParams.get('order');
  const ordered = order === 'desc' ? [...items].reverse() : items;
  const slice = ordered.slice(paging.offset, paging.offset + paging.perPage);
  const full = pageMeta(request.url, request.baseUrl, paging, slice.length, items.length);
  const { next_page_link: _next, previous_page_link: _previous, ...bare } = full;
  return { status: 200, body: { [key]: slice, meta: meta === 'with-links' ? full : bare } };
}

/** The `fetch_*` flags of a call read (docs/aircall-behaviour.md §10): only `true` turns one on. */
function detailsFlags(url: URL): CallDetailsFlags {
  const on = (name: string) => url.searchParams.get(name) === 'true';
  return {
    fetchContact: on('fetch_contact'),
    fetchShortUrls: on('fetch_short_urls'),
    fetchCallTimeline: on('fetch_call_timeline'),
  };
}

function byId<T extends { id: number }>(items: readonly T[], raw: string, what: string): T {
  const found = items.find((item) => String(item.id) === raw);
  if (!found) throw notFound(what);
  return found;
}

/** A call as this read shows it: the flags applied, its media links signed now. */
function callView(request: ApiRequest, call: AircallCall, flags: CallDetailsFlags): AircallCall {
  return request.media.mint(request.company.id, restCallView(call, flags), flags.fetchShortUrls);
}

/**
 * `DELETE /v1/calls/:id/recording` and `/voicemail`: the call shows null for the file from then on and
 * its links answer 404. Aircall does not document the answer: 204 without a body is assumed, and a
 * call without the file is a 404 (docs/aircall-behaviour.md §10).
 */
function deleteMedia(request: ApiRequest, id: string, kind: MediaKind): ApiAnswer {
  if (request.method !== 'DELETE')
    throw new SimulatorHttpError(405, 'Method Not Allowed', `${request.method} is not supported here`);
  const call = callById(request, id);
  if (call[kind] === null || call[kind] === undefined)
    throw notFound(kind === 'recording' ? 'Recording' : 'Voicemail');
  request.company.removeMedia(call.id, kind);
  return { status: 204 };
}

function callById(request: ApiRequest, raw: string): AircallCall {
  const call = /^\d+$/.test(raw) ? request.company.calls.get(Number(raw)) : undefined;
  if (!call) throw notFound('Call');
  return call;
}

/**
 * `GET /v1/calls`: `from` exclusive and `to` inclusive on started_at (unix s), `order` asc|desc by
 * creation, Aircall's paging with the 10,000-record cap, only the configured history served.
 */
function listCalls(request: ApiRequest): ApiAnswer {
  const from = integerParam(request.url, 'from', 0);
  const to = integerParam(request.url, 'to', 0);
  const order = request.url.searchParams.get('order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw badRequest('order must be asc or desc');
  const paging = parsePaging(request.url);
  const { calls, total } = request.company.calls.list({
    from,
    to,
    historyStart: request.historyStart,
    order,
    offset: paging.offset,
    limit: paging.perPage,
  });
  const flags = detailsFlags(request.url);
  return {
    status: 200,
    body: {
      calls: calls.map((call) => callView(request, call, flags)),
      meta: pageMeta(request.url, request.baseUrl, paging, calls.length, total),
    },
  };
}

function webhooks(request: ApiRequest, id: string | undefined): ApiAnswer {
  const registry = request.company.webhooks;
  const token = request.oauthToken;
  if (id === undefined && request.method === 'GET') {
    // The live list's meta has no next/previous links (recorded body 10).
    return page(
      request,
      'webhooks',
      registry.visibleTo(token).map((webhook) => webhookView(webhook, request.baseUrl, true)),
      'without-links',
    );
  }
  if (id === undefined && request.method === 'POST') {
    const created = registry.create(request.body ?? {}, token, request.now);
    return { status: 201, body: { webhook: webhookView(created, request.baseUrl, false) } };
  }
  if (id !== undefined && request.method === 'GET')
    return { status: 200, body: { webhook: webhookView(registry.find(id, token), request.baseUrl, false) } };
  if (id !== undefined && request.method === 'PUT') {
    const updated = registry.update(
      id,
      request.body ?? {},
      request.url.searchParams.get('events_action'),
      token,
    );
    return { status: 200, body: { webhook: webhookView(updated, request.baseUrl, false) } };
  }
  if (id !== undefined && request.method === 'DELETE') {
    registry.delete(id, token);
    return { status: 200 };
  }
  throw new SimulatorHttpError(405, 'Method Not Allowed', `${request.method} is not supported here`);
}

/** Routes one authenticated API request. */
export function routeApi(request: ApiRequest): ApiAnswer {
  const [version, resource, id, ...rest] = request.segments;
  const { company } = request;
  const path = `${version}/${resource}`;
  const media = MEDIA_KINDS.find((kind) => kind === rest[0]);
  if (path === 'v1/calls' && id !== undefined && media && rest.length === 1)
    return deleteMedia(request, id, media);
  if (rest.length > 0) throw notFound('Route');
  if (path === 'v1/webhooks') return webhooks(request, id);
  if (request.method !== 'GET')
    throw new SimulatorHttpError(405, 'Method Not Allowed', `${request.method} is not supported here`);
  switch (path) {
    case 'v1/calls':
      return id === undefined
        ? listCalls(request)
        : {
            status: 200,
            body: { call: callView(request, callById(request, id), detailsFlags(request.url)) },
          };
    case 'v2/users':
      return id === undefined
        ? page(request, 'users', company.directory.users.map(v2User))
        : { status: 200, body: { user: v2User(byId(company.directory.users, id, 'User')) } };
    case 'v1/users':
      // Aircall sunsets GET /v1/users on 2026-09-30 (docs/aircall-behaviour.md §10).
      throw new SimulatorHttpError(410, 'Gone', 'This endpoint is sunset: use /v2/users');
    case 'v1/teams':
      return id === undefined
        ? page(request, 'teams', company.directory.teams)
        : { status: 200, body: { team: byId(company.directory.teams, id, 'Team') } };
    case 'v1/numbers':
      return id === undefined
        ? page(request, 'numbers', company.directory.numbers)
        : { status: 200, body: { number: byId(company.directory.numbers, id, 'Number') } };
    case 'v1/tags':
      return id === undefined
        ? page(request, 'tags', company.directory.tags)
        : { status: 200, body: { tag: byId(company.directory.tags, id, 'Tag') } };
    case 'v1/company':
      if (id !== undefined) throw notFound('Route');
      // No id, no created_at: Aircall's answer names the company but does not identify it (recorded body 13).
      return {
        status: 200,
        body: {
          company: {
            name: company.name,
            users_count: company.directory.users.length,
            numbers_count: company.directory.numbers.length,
          },
        },
      };
    case 'v1/integrations': {
      if (id !== 'me') throw notFound('Route');
      if (request.oauthToken === null)
        throw new SimulatorHttpError(403, 'Forbidden', 'This endpoint needs an OAuth access token');
      const admin = company.directory.users[0];
      // Recorded body 14: no company_name (the name comes from /v1/company), status "installed".
      return {
        status: 200,
        body: {
          integration: {
            name: 'aircall-sync',
            custom_name: null,
            logo: null,
            company_id: company.id,
            status: 'installed',
            active: true,
            number_ids: company.directory.numbers.map((number) => number.id),
            numbers_count: company.directory.numbers.length,
            user: admin ? integrationUserOf(admin) : null,
          },
        },
      };
    }
    default:
      throw notFound('Route');
  }
}
