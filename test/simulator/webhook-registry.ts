import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest, notFound } from './simulator-http-error';

const USER_ACTIONS = [
  'created',
  'deleted',
  'connected',
  'disconnected',
  'opened',
  'closed',
  'wut_start',
  'wut_end',
];

/**
 * The 67 events Aircall's reference publishes (docs/aircall-behaviour.md §2), written out here on
 * purpose rather than imported: the simulator plays Aircall, and must not learn the service's list.
 */
export const KNOWN_EVENTS: readonly string[] = [
  ...[
    'created',
    'ringing_on_agent',
    'agent_declined',
    'answered',
    'transferred',
    'external_transferred',
    'unsuccessful_transfer',
    'hungup',
    'ended',
    'hold',
    'unhold',
    'ivr_option_selected',
    'comm_assets_generated',
    'voicemail_left',
    'assigned',
    'archived',
    'tagged',
    'untagged',
    'commented',
  ].map((action) => `call.${action}`),
  ...USER_ACTIONS.map((action) => `user.${action}.v2`),
  ...USER_ACTIONS.map((action) => `user.${action}`),
  ...['created', 'opened', 'closed', 'deleted'].map((action) => `number.${action}`),
  ...['created', 'updated', 'deleted'].map((action) => `contact.${action}`),
  ...['message', 'group_message'].flatMap((family) =>
    ['sent', 'received', 'status_updated'].map((action) => `${family}.${action}`),
  ),
  'transcription.created',
  'summary.created',
  'topics.created',
  'sentiment.created',
  'action_item.created',
  'playbook_result.created',
  'playbook_result.updated',
  'realtime_transcription.utterances_received',
  'custom_summary.result_created',
  'custom_summary.result_updated',
  'call_evaluation.created',
  'call_evaluation.updated',
  'ai_voice_agent.started',
  'ai_voice_agent.ended',
  'ai_voice_agent.escalated',
  'ai_voice_agent.summary',
  'analytics.report_created',
  'analytics.report_failed',
  'integration.deleted',
];

/** Aircall: at most 100 webhooks per account (https://developer.aircall.io/tutorials/how-to-create-a-webhook-integration). */
export const MAX_WEBHOOKS_PER_COMPANY = 100;

export interface StoredWebhook {
  webhook_id: string;
  /** The deprecated integer id the live list still shows (recorded body 10). */
  legacyId: number;
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

function validEvents(events: unknown, refused: ReadonlySet<string>): string[] {
  // An empty or missing list subscribes to every event (docs/aircall-behaviour.md §9).
  if (events === undefined || events === null || (Array.isArray(events) && events.length === 0))
    return [...KNOWN_EVENTS];
  if (!Array.isArray(events) || !events.every((event) => typeof event === 'string'))
    throw badRequest('events must be an array of event names');
  const unknown = events.filter((event) => !KNOWN_EVENTS.includes(event) || refused.has(event));
  if (unknown.length > 0) throw badRequest(`Unknown events: ${unknown.join(', ')}`);
  return [...new Set(events as string[])];
}

/** One company's webhooks, with Aircall's validation rules. */
export class WebhookRegistry {
  private readonly webhooks = new Map<string, StoredWebhook>();
  private nextLegacyId = 44_215_352;
  /** Event names this company's plan refuses (400 "invalid events"): a test stands in for a newer family. */
  readonly refusedEvents = new Set<string>();

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
      legacyId: this.nextLegacyId++,
      custom_name: typeof input.custom_name === 'string' ? input.custom_name : null,
      url: this.validUrl(input.url),
      active: true,
      events: validEvents(input.events, this.refusedEvents),
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
      const events = validEvents(input.events, this.refusedEvents);
      webhook.events =
        eventsAction === 'add'
          ? [...new Set([...webhook.events, ...events])]
          : webhook.events.filter((event) => !events.includes(event));
    } else {
      webhook.events = validEvents(input.events, this.refusedEvents);
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
