/** How often and how long the client retries a transient failure (5xx, network, timeout, bad body). */
export interface AircallRetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Base of the exponential backoff, in ms. */
  baseDelayMs: number;
  /** Upper bound of one backoff delay, in ms. */
  maxDelayMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniform random delay in [0, min(max, base·2^(retry-1))].
 * Spreading retries at random keeps many clients hit by the same outage from retrying in lockstep.
 * `retry` counts from 1 (the first retry).
 */
export function backoffDelay(
  policy: AircallRetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
