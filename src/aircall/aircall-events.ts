/**
 * Aircall's webhook events, by family, as the API reference publishes them (67 events; hookdeck's
 * copy of the reference lists them: docs/aircall-behaviour.md §2). The service subscribes to every
 * family it can receive, applies what it understands and keeps the rest in the inbox as `skipped`,
 * so a later version can replay them: messages, for one, cannot be fetched from the API afterwards.
 */

/** Every call event carries the full Call object. */
export const CALL_EVENTS = [
  'call.created',
  'call.ringing_on_agent',
  'call.agent_declined',
  'call.answered',
  'call.transferred',
  'call.external_transferred',
  'call.unsuccessful_transfer',
  'call.hold',
  'call.unhold',
  'call.ivr_option_selected',
  'call.hungup',
  'call.ended',
  'call.voicemail_left',
  'call.comm_assets_generated',
  'call.assigned',
  'call.archived',
  'call.tagged',
  'call.untagged',
  'call.commented',
] as const;

const USER_ACTIONS = [
  'created',
  'deleted',
  'connected',
  'disconnected',
  'opened',
  'closed',
  'wut_start',
  'wut_end',
] as const;

/** User events V2 (the User V2 object, no `numbers`): the current ones. */
export const USER_EVENTS = USER_ACTIONS.map((action) => `user.${action}.v2`);
/** User events V1: "will be deprecated soon", so never subscribed; still applied when delivered. */
export const USER_V1_EVENTS = USER_ACTIONS.map((action) => `user.${action}`);

export const NUMBER_EVENTS = ['number.created', 'number.opened', 'number.closed', 'number.deleted'] as const;
export const CONTACT_EVENTS = ['contact.created', 'contact.updated', 'contact.deleted'] as const;

/** SMS/MMS/WhatsApp messages: webhook-only (there is no list endpoint to fetch them later). */
export const MESSAGE_EVENTS = [
  'message.sent',
  'message.received',
  'message.status_updated',
  'group_message.sent',
  'group_message.received',
  'group_message.status_updated',
] as const;

/** AI Assist insights of a call (some need the AI Assist add-on). */
export const CONVERSATION_INTELLIGENCE_EVENTS = [
  'transcription.created',
  'summary.created',
  'topics.created',
  'sentiment.created',
  'action_item.created',
  'playbook_result.created',
  'playbook_result.updated',
  'custom_summary.result_created',
  'custom_summary.result_updated',
  'call_evaluation.created',
  'call_evaluation.updated',
  'realtime_transcription.utterances_received',
] as const;

export const AI_VOICE_AGENT_EVENTS = [
  'ai_voice_agent.started',
  'ai_voice_agent.ended',
  'ai_voice_agent.escalated',
  'ai_voice_agent.summary',
] as const;

/** Sent only to webhooks created with an OAuth token, when the app is uninstalled. */
export const INTEGRATION_DELETED = 'integration.deleted';

/**
 * Analytics+ exports: sent only for exports the subscriber requested. The service requests none,
 * so it does not subscribe to them (they would never arrive).
 */
export const ANALYTICS_EVENTS = ['analytics.report_created', 'analytics.report_failed'] as const;

/**
 * What a webhook must deliver for the service to be complete: the events it applies. A webhook of
 * ours that lacks one of these is replaced or updated.
 */
export const REQUIRED_EVENTS: readonly string[] = [
  ...CALL_EVENTS,
  ...USER_EVENTS,
  ...NUMBER_EVENTS,
  ...CONTACT_EVENTS,
];

/** What a new webhook subscribes to: every family the service can receive (OAuth adds the uninstall). */
export function subscribedEvents(authType: 'basic' | 'oauth'): string[] {
  return [
    ...REQUIRED_EVENTS,
    ...MESSAGE_EVENTS,
    ...CONVERSATION_INTELLIGENCE_EVENTS,
    ...AI_VOICE_AGENT_EVENTS,
    ...(authType === 'oauth' ? [INTEGRATION_DELETED] : []),
  ];
}

/** Every event name Aircall documents: the only values a metric label takes (others fold into `other`). */
export const DOCUMENTED_EVENTS: ReadonlySet<string> = new Set([
  ...CALL_EVENTS,
  ...USER_EVENTS,
  ...USER_V1_EVENTS,
  ...NUMBER_EVENTS,
  ...CONTACT_EVENTS,
  ...MESSAGE_EVENTS,
  ...CONVERSATION_INTELLIGENCE_EVENTS,
  ...AI_VOICE_AGENT_EVENTS,
  INTEGRATION_DELETED,
  ...ANALYTICS_EVENTS,
]);

/** The event as a metric label: its name when documented, `other` otherwise (tenants cannot add series). */
export function eventLabel(event: string): string {
  return DOCUMENTED_EVENTS.has(event) ? event : 'other';
}
