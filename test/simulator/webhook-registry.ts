import { randomBytes, randomUUID } from 'node:crypto';
import { CALL_EVENTS, CONTACT_EVENTS, NUMBER_EVENTS, USER_EVENTS } from '../../src/aircall/aircall-types';
import { badRequest, notFound } from './simulator-http-error';

/** Events a webhook may subscribe to (docs/aircall-behaviour.md §2). */
export const KNOWN_EVENTS: readonly string[] = [
  ...CALL_EVENTS,
  ...USER_EVENTS,
  ...USER_EVENTS.map((event) => `${event}.v2`),
  ...NUMBER_EVENTS,
  ...CONTACT_EVENTS,
  'integration.deleted',
];

/** Aircall: at most 100 webhooks per account (https://developer.aircall.io/tutorials/how-to-create-a-webhook-integration). */
export const MAX_WEBHOOKS_PER_COMPANY = 100;

export interface StoredWebhook {
  webhook_id: string;
  custom_name: string | null;
  url: string;
  active: boolean;
  events: string[];
  token: string;
  created_at: string;
  /** The OAuth token that created it (OAuth tokens only see their own webhooks); null for Basic. */
  ownerToken: string | null;
  consecutiveFailures: number;
}

export interface WebhookInput {
  custom_name?: unknown;
  url?: unknown;
  events?: unknown;
  active?: unknown;
}

function validEvents(events: unknown): string[] {
  // An empty or missing list subscribes to every event (docs/aircall-behaviour.md §9).
  if (events === undefined || events === null || (Array.isArray(events) && events.length === 0))
    return [...KNOWN_EVENTS];
  if (!Array.isArray(events) || !events.every((event) => typeof event === 'string'))
    throw badRequest('events must be an array of event names');
  const unknown = events.filter((event) => !KNOWN_EVENTS.includes(event));
  if (unknown.length > 0) throw badRequest(`Unknown events: ${unknown.join(', ')}`);
  return [...new Set(events as string[])];
}

/** One company's webhooks, with Aircall's validation rules. */
export class WebhookRegistry {
  private readonly webhooks = new Map<string, StoredWebhook>();

  constructor(private readonly requireHttps: boolean) {}

  all(): StoredWebhook[] {
    return [...this.webhooks.values()];
  }

  /** What these credentials may see: OAuth tokens only their own webhooks, Basic all of them. */
  visibleTo(oauthToken: string | null): StoredWebhook[] {
    return this.all().filter((webhook) => oauthToken === null || webhook.ownerToken === oauthToken);
  }

  find(id: string, oauthToken: string | null): StoredWebhook {
    const webhook = this.webhooks.get(id);
    if (!webhook || (oauthToken !== null && webhook.ownerToken !== oauthToken)) throw notFound('Webhook');
    return webhook;
  }

  create(input: WebhookInput, oauthToken: string | null, now: number): StoredWebhook {
    if (this.webhooks.size >= MAX_WEBHOOKS_PER_COMPANY)
      throw badRequest(`A company cannot have more than ${MAX_WEBHOOKS_PER_COMPANY} webhooks`);
    const webhook: StoredWebhook = {
      webhook_id: randomUUID(),
      custom_name: typeof input.custom_name === 'string' ? input.custom_name : null,
      url: this.validUrl(input.url),
      active: true,
      events: validEvents(input.events),
      token: randomBytes(16).toString('hex'),
      created_at: new Date(now).toISOString(),
      ownerToken: oauthToken,
      consecutiveFailures: 0,
    };
    this.webhooks.set(webhook.webhook_id, webhook);
    return webhook;
  }

  /**
   * PUT semantics: leaving `events` out resets the webhook to all events; `events_action=add|remove`
   * changes the list incrementally (docs/aircall-behaviour.md §9).
   */
  update(
    id: string,
    input: WebhookInput,
    eventsAction: string | null,
    oauthToken: string | null,
  ): StoredWebhook {
    const webhook = this.find(id, oauthToken);
    if (input.url !== undefined) webhook.url = this.validUrl(input.url);
    if (input.custom_name !== undefined)
      webhook.custom_name = typeof input.custom_name === 'string' ? input.custom_name : null;
    if (input.active !== undefined) {
      if (typeof input.active !== 'boolean') throw badRequest('active must be a boolean');
      webhook.active = input.active;
      if (input.active) webhook.consecutiveFailures = 0;
    }
    if (eventsAction === 'add' || eventsAction === 'remove') {
      const events = validEvents(input.events);
      webhook.events =
        eventsAction === 'add'
          ? [...new Set([...webhook.events, ...events])]
          : webhook.events.filter((event) => !events.includes(event));
    } else {
      webhook.events = validEvents(input.events);
    }
    return webhook;
  }

  delete(id: string, oauthToken: string | null): void {
    this.find(id, oauthToken);
    this.webhooks.delete(id);
  }

  private validUrl(url: unknown): string {
    if (typeof url !== 'string' || url === '') throw badRequest('url is required');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('url must be a valid URL');
    }
    if (parsed.protocol !== 'https:' && (this.requireHttps || parsed.protocol !== 'http:'))
      throw badRequest('url must use https');
    return url;
  }
}
