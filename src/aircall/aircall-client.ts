import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AircallCredentials } from './aircall-credentials';
import { AircallError } from './aircall-errors';
import { AircallRateLimiter, RequestPriority } from './aircall-rate-limiter';
import { anyBody, objectOf, oauthTokenShape, pageOf } from './aircall-response-shapes';
import { AircallStats, AircallTransport } from './aircall-transport';
import {
  AircallCall,
  AircallCompany,
  AircallIntegration,
  AircallNumber,
  AircallPageMeta,
  AircallTag,
  AircallTeam,
  AircallUser,
  AircallWebhook,
} from './aircall-types';

/** Aircall's largest page (https://support.aircall.io/en-gb/articles/34702023578397). */
export const AIRCALL_MAX_PER_PAGE = 50;

export interface ListCallsQuery {
  /** Unix seconds; Aircall treats it as exclusive on `started_at`. */
  from?: number;
  /** Unix seconds; inclusive. */
  to?: number;
  page?: number;
  /** Defaults to 50, Aircall's maximum. */
  perPage?: number;
  order?: 'asc' | 'desc';
}

export interface WebhookDefinition {
  url: string;
  events: readonly string[];
  customName?: string;
}

export interface WebhookPatch {
  active?: boolean;
  url?: string;
  events?: readonly string[];
}

export interface OAuthToken {
  accessToken: string;
  tokenType?: string;
  scope?: string;
}

/**
 * What every call read asks for on top of the call: the full contact, the short recording and
 * voicemail links (valid 3 hours rather than 1) and the IVR path (Smartflows numbers, last two
 * months). Query flags of the same request: they cost nothing of the rate budget
 * (docs/aircall-behaviour.md §10).
 */
const CALL_DETAILS = { fetch_contact: 'true', fetch_short_urls: 'true', fetch_call_timeline: 'true' };

/**
 * True when no page follows this one. Aircall's lists end where current_page × per_page reaches
 * `total`; `next_page_link` is no guide, since GET /v1/webhooks never sends one (recorded body 10).
 */
export function isLastPage(meta: AircallPageMeta, itemCount: number): boolean {
  return itemCount === 0 || meta.current_page * meta.per_page >= meta.total;
}

/** Aircall pages are 1-indexed integers. */
const PAGE_GUARD = (page: number | undefined) =>
  page === undefined ? undefined : Math.max(1, Math.floor(page));

/**
 * The Aircall Public API as the service uses it (https://developer.aircall.io/api-references/).
 * Every request is paced per company at Aircall's rate limit, retried when transient, and fails with
 * a typed AircallError (see aircall-errors.ts).
 */
@Injectable()
export class AircallClient {
  private readonly transport: AircallTransport;

  constructor(private readonly config: AppConfig) {
    this.transport = new AircallTransport({
      baseUrl: config.AIRCALL_API_URL,
      timeoutMs: config.AIRCALL_REQUEST_TIMEOUT_MS,
      retry: {
        maxAttempts: config.AIRCALL_MAX_ATTEMPTS,
        baseDelayMs: config.AIRCALL_RETRY_BASE_MS,
        maxDelayMs: Math.max(config.AIRCALL_RETRY_BASE_MS, 30_000),
      },
      maxRateLimitWaits: config.AIRCALL_MAX_ATTEMPTS,
      windowMs: config.AIRCALL_RATE_WINDOW_MS,
      limiter: new AircallRateLimiter({
        limit: config.AIRCALL_RATE_LIMIT,
        windowMs: config.AIRCALL_RATE_WINDOW_MS,
      }),
    });
  }

  /** Counters for /metrics: requests sent, 429s received, retries made. */
  get stats(): Readonly<AircallStats> {
    return this.transport.stats;
  }

  /** Requests per second the company of `credentials` may send, from its rate budget. */
  ratePerSecond(credentials: AircallCredentials): number {
    return this.transport.ratePerSecond(credentials);
  }

  /** `GET /v1/calls`: one page of calls started in (from, to], oldest first unless `order: 'desc'`. */
  async listCalls(
    credentials: AircallCredentials,
    query: ListCallsQuery,
  ): Promise<{ calls: AircallCall[]; meta: AircallPageMeta; serverTime: Date }> {
    const response = await this.transport.request({
      method: 'GET',
      path: '/v1/calls',
      credentials,
      query: {
        from: query.from,
        to: query.to,
        order: query.order,
        page: PAGE_GUARD(query.page),
        per_page: query.perPage ?? AIRCALL_MAX_PER_PAGE,
        ...CALL_DETAILS,
      },
      shape: pageOf<AircallCall>('calls'),
    });
    return { calls: response.value.items, meta: response.value.meta, serverTime: response.serverTime };
  }

  /** `GET /v1/calls/:id`; `background` only spends budget the sync leaves unused (AircallRateLimiter). */
  async getCall(
    credentials: AircallCredentials,
    id: number | string,
    priority: RequestPriority = 'normal',
  ): Promise<{ call: AircallCall; serverTime: Date }> {
    const response = await this.transport.request({
      method: 'GET',
      path: `/v1/calls/${encodeURIComponent(String(id))}`,
      credentials,
      query: CALL_DETAILS,
      shape: objectOf<AircallCall>('call', 'id'),
      priority,
    });
    return { call: response.value, serverTime: response.serverTime };
  }

  /** `GET /v2/users` (`/v1/users` is sunset — docs/aircall-behaviour.md §10). */
  async listUsers(
    credentials: AircallCredentials,
    page?: number,
  ): Promise<{ users: AircallUser[]; meta: AircallPageMeta }> {
    const { items, meta } = await this.page<AircallUser>(credentials, '/v2/users', 'users', page);
    return { users: items, meta };
  }

  /** `GET /v1/teams` (each team with its `users[]`). */
  async listTeams(
    credentials: AircallCredentials,
    page?: number,
  ): Promise<{ teams: AircallTeam[]; meta: AircallPageMeta }> {
    const { items, meta } = await this.page<AircallTeam>(credentials, '/v1/teams', 'teams', page);
    return { teams: items, meta };
  }

  /** `GET /v1/numbers`. */
  async listNumbers(
    credentials: AircallCredentials,
    page?: number,
  ): Promise<{ numbers: AircallNumber[]; meta: AircallPageMeta }> {
    const { items, meta } = await this.page<AircallNumber>(credentials, '/v1/numbers', 'numbers', page);
    return { numbers: items, meta };
  }

  /** `GET /v1/tags`. */
  async listTags(
    credentials: AircallCredentials,
    page?: number,
  ): Promise<{ tags: AircallTag[]; meta: AircallPageMeta }> {
    const { items, meta } = await this.page<AircallTag>(credentials, '/v1/tags', 'tags', page);
    return { tags: items, meta };
  }

  allUsers(credentials: AircallCredentials): AsyncIterable<AircallUser[]> {
    return this.everyPage<AircallUser>(credentials, '/v2/users', 'users');
  }

  allTeams(credentials: AircallCredentials): AsyncIterable<AircallTeam[]> {
    return this.everyPage<AircallTeam>(credentials, '/v1/teams', 'teams');
  }

  allNumbers(credentials: AircallCredentials): AsyncIterable<AircallNumber[]> {
    return this.everyPage<AircallNumber>(credentials, '/v1/numbers', 'numbers');
  }

  allTags(credentials: AircallCredentials): AsyncIterable<AircallTag[]> {
    return this.everyPage<AircallTag>(credentials, '/v1/tags', 'tags');
  }

  /** `GET /v1/integrations/me`: who installed the OAuth app (OAuth tokens only). */
  async getIntegration(credentials: AircallCredentials): Promise<AircallIntegration> {
    const response = await this.transport.request({
      method: 'GET',
      path: '/v1/integrations/me',
      credentials,
      shape: objectOf<AircallIntegration>('integration', 'company_id'),
    });
    return response.value;
  }

  /** `GET /v1/company`: the identity check for Basic credentials. */
  async getCompany(credentials: AircallCredentials): Promise<AircallCompany> {
    const response = await this.transport.request({
      method: 'GET',
      path: '/v1/company',
      credentials,
      shape: objectOf<AircallCompany>('company'),
    });
    return response.value;
  }

  /** Every webhook these credentials can see (OAuth tokens only see their own), all pages. */
  async listWebhooks(credentials: AircallCredentials): Promise<AircallWebhook[]> {
    const webhooks: AircallWebhook[] = [];
    for await (const page of this.everyPage<AircallWebhook>(
      credentials,
      '/v1/webhooks',
      'webhooks',
      'webhook_id',
      'string',
    )) {
      webhooks.push(...page);
    }
    return webhooks;
  }

  /** `GET /v1/webhooks/:id` (includes the token). */
  async getWebhook(credentials: AircallCredentials, id: string): Promise<AircallWebhook> {
    const response = await this.transport.request({
      method: 'GET',
      path: `/v1/webhooks/${encodeURIComponent(id)}`,
      credentials,
      shape: objectOf<AircallWebhook>('webhook', 'webhook_id', 'string'),
    });
    return response.value;
  }

  /** `POST /v1/webhooks`; the answer carries the token every delivery will present. */
  async createWebhook(
    credentials: AircallCredentials,
    definition: WebhookDefinition,
  ): Promise<AircallWebhook> {
    const response = await this.transport.request({
      method: 'POST',
      path: '/v1/webhooks',
      credentials,
      body: { custom_name: definition.customName, url: definition.url, events: [...definition.events] },
      shape: objectOf<AircallWebhook>('webhook', 'webhook_id', 'string'),
    });
    return response.value;
  }

  /**
   * `PUT /v1/webhooks/:id`. Aircall resets a webhook to *all* events when `events` is left out
   * (docs/aircall-behaviour.md §9), so a patch without events re-sends the current list.
   */
  async updateWebhook(
    credentials: AircallCredentials,
    id: string,
    patch: WebhookPatch,
  ): Promise<AircallWebhook> {
    const events = patch.events ?? (await this.getWebhook(credentials, id)).events;
    const response = await this.transport.request({
      method: 'PUT',
      path: `/v1/webhooks/${encodeURIComponent(id)}`,
      credentials,
      body: { active: patch.active, url: patch.url, events: [...events] },
      shape: objectOf<AircallWebhook>('webhook', 'webhook_id', 'string'),
    });
    return response.value;
  }

  /** `DELETE /v1/webhooks/:id`. */
  async deleteWebhook(credentials: AircallCredentials, id: string): Promise<void> {
    await this.transport.request({
      method: 'DELETE',
      path: `/v1/webhooks/${encodeURIComponent(id)}`,
      credentials,
      shape: anyBody,
    });
  }

  /**
   * `POST /v1/oauth/token`: trades an authorization code for a permanent access token
   * (https://developer.aircall.io/tutorials/how-aircall-oauth-flow-works, step 5). Not retried on
   * transient failures: a code is single-use, and a retry after Aircall consumed it could only fail.
   */
  async exchangeOAuthCode(code: string, redirectUri: string): Promise<OAuthToken> {
    const clientId = this.config.AIRCALL_CLIENT_ID;
    const clientSecret = this.config.AIRCALL_CLIENT_SECRET;
    if (!clientId || !clientSecret) {
      throw new AircallError('AIRCALL_CLIENT_ID and AIRCALL_CLIENT_SECRET are not configured', {
        retryable: false,
      });
    }
    const response = await this.transport.request({
      method: 'POST',
      path: '/v1/oauth/token',
      body: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: clientId,
        client_secret: clientSecret,
      },
      shape: oauthTokenShape,
      retryTransient: false,
    });
    return {
      accessToken: response.value.access_token,
      tokenType: response.value.token_type,
      scope: response.value.scope,
    };
  }

  private async page<T>(
    credentials: AircallCredentials,
    path: string,
    key: string,
    page: number | undefined,
    idKey = 'id',
    idType: 'number' | 'string' = 'number',
  ): Promise<{ items: T[]; meta: AircallPageMeta }> {
    const response = await this.transport.request({
      method: 'GET',
      path,
      credentials,
      query: { page: PAGE_GUARD(page), per_page: AIRCALL_MAX_PER_PAGE },
      shape: pageOf<T>(key, idKey, idType),
    });
    return response.value;
  }

  /** Pages 1, 2, … at 50 per page until the last (isLastPage). */
  private async *everyPage<T>(
    credentials: AircallCredentials,
    path: string,
    key: string,
    idKey = 'id',
    idType: 'number' | 'string' = 'number',
  ): AsyncIterable<T[]> {
    for (let page = 1; ; page += 1) {
      const { items, meta } = await this.page<T>(credentials, path, key, page, idKey, idType);
      if (items.length > 0) yield items;
      if (isLastPage(meta, items.length)) return;
    }
  }
}
