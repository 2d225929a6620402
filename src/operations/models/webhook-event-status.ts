import { registerEnumType } from '@nestjs/graphql';

/** State of a webhook delivery in the inbox (webhook_events.status, stored lower case). */
export enum WebhookEventStatus {
  PENDING = 'pending',
  APPLIED = 'applied',
  SKIPPED = 'skipped',
  QUARANTINED = 'quarantined',
  FAILED = 'failed',
}

registerEnumType(WebhookEventStatus, {
  name: 'WebhookEventStatus',
  description:
    'PENDING: waiting to be applied (or retried); APPLIED; SKIPPED: kept, not applied by this version (messages, conversation intelligence…); QUARANTINED: kept, cannot be used as it is, see lastError (replay it after an upgrade); FAILED: gave up after retries, see lastError',
});

export function toWebhookEventStatus(value: unknown): WebhookEventStatus {
  const found = Object.values(WebhookEventStatus).find((s) => s === value);
  // An unknown value can only come from a newer version of the processor; show it as pending rather than fail the query.
  return found ?? WebhookEventStatus.PENDING;
}
