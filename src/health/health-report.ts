import type { AccountHealth, InboxBacklog, RecordingsHealth } from './operational-readings';

/**
 * `ok`: the database answers and nothing needs attention. `degraded`: it answers, but events are
 * parked as failed or quarantined, recordings failed to archive, an account needs re-authorisation, a connected account's last
 * finished sync failed, or a webhook is inactive (still 200: the
 * instance can serve). `unavailable`: the database does not answer (503). `shutting_down`: the
 * process is draining (503, so load balancers stop routing to it).
 */
export type HealthStatus = 'ok' | 'degraded' | 'unavailable' | 'shutting_down';

export interface HealthReport {
  status: HealthStatus;
  checkedAt: string;
  uptimeSeconds: number;
  database: {
    reachable: boolean;
    engine: 'mysql' | 'sqlite';
    latencyMs: number | null;
    error: string | null;
  };
  inbox: InboxBacklog | null;
  accounts: AccountHealth[] | null;
  /** The recordings archive; null unless RECORDINGS=archive. */
  recordings: RecordingsHealth | null;
}

/** Whether the report says something needs an operator's attention although the service works. */
export function needsAttention(
  inbox: InboxBacklog | null,
  accounts: AccountHealth[] | null,
  recordings: RecordingsHealth | null = null,
): boolean {
  if (inbox && (inbox.failed > 0 || inbox.quarantined > 0)) return true;
  if (recordings && recordings.failed > 0) return true;
  return (accounts ?? []).some(
    (a) =>
      a.status === 'needs_reauth' ||
      (a.status === 'active' && a.lastFinishedSyncFailed) ||
      (a.status === 'active' && a.webhook.registered && a.webhook.active === false),
  );
}
