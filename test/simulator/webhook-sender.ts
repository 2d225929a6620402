import { AircallWebhookEnvelope } from '../../src/aircall/aircall-types';

/** The outcome of one delivery: the HTTP status, or why there was none. */
export type DeliveryStatus = number | 'timeout' | 'connection-error';

export interface DeliveryResult {
  webhookId: string;
  url: string;
  status: DeliveryStatus;
}

/** Aircall's deliveries time out after 5 s (docs/aircall-behaviour.md §1). */
export const AIRCALL_DELIVERY_TIMEOUT_MS = 5000;

export function isDelivered(status: DeliveryStatus): boolean {
  return typeof status === 'number' && status >= 200 && status < 300;
}

/**
 * POSTs one envelope the way Aircall does: JSON, no signature, the webhook's token inside the body,
 * with the headers seen on live deliveries (docs/aircall-behaviour.md §1).
 */
export async function postWebhook(
  url: string,
  envelope: AircallWebhookEnvelope,
  options: { timeoutMs?: number } = {},
): Promise<DeliveryStatus> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'axios/1.7.7',
        'aircall-origin': 'webhooks',
      },
      body: JSON.stringify(envelope),
      signal: AbortSignal.timeout(options.timeoutMs ?? AIRCALL_DELIVERY_TIMEOUT_MS),
      redirect: 'manual',
    });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'connection-error';
  }
}
