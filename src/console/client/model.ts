/** What the console reads from the GraphQL API (schema.gql), and what it says about it. */

export type AccountStatus = 'ACTIVE' | 'NEEDS_REAUTH' | 'UNINSTALLED' | 'DISCONNECTED';

export interface Account {
  id: string;
  name: string | null;
  status: AccountStatus;
  statusReason: string | null;
  authType: 'BASIC' | 'OAUTH';
  webhookId: string | null;
  webhookActive: boolean | null;
  webhookCheckedAt: string | null;
  lastSyncedAt: string | null;
  syncCursor: string | null;
  createdAt: string;
  recordingArchive?: RecordingArchive | null;
}

export interface RecordingArchive {
  mode: 'off' | 'links' | 'archive';
  storage: 'local' | 's3';
  enabled: boolean;
  pending: number;
  archived: number;
  failed: number;
  expired: number;
  deleted: number;
  bytesStored: number;
}

export interface SyncProgress {
  done: number;
  expected: number | null;
  percent: number | null;
  estimatedFinishAt: string | null;
}

export interface SyncRun {
  id: string;
  accountId: string;
  kind: string;
  status: string;
  callsFetched: number;
  callsWritten: number;
  requestsMade: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Absent when the service predates sync progress (the console then asks without it). */
  callsExpected?: number | null;
  progress?: SyncProgress | null;
}

export type InboxStatus = 'FAILED' | 'QUARANTINED' | 'PENDING';

export interface WebhookEvent {
  id: string;
  accountId: string;
  event: string;
  resource: string;
  resourceId: string | null;
  status: InboxStatus;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  nextAttemptAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: 'ADMIN' | 'READER';
  keyPrefix: string;
  accountIds: string[] | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const ACCOUNT_FIELDS =
  'id name status statusReason authType webhookId webhookActive webhookCheckedAt lastSyncedAt syncCursor createdAt recordingArchive { mode storage enabled pending archived failed expired deleted bytesStored }';
const RUN_FIELDS =
  'id accountId kind status callsFetched callsWritten requestsMade error createdAt startedAt finishedAt';
const EVENT_FIELDS =
  'id accountId event resource resourceId status attempts lastError receivedAt nextAttemptAt';
const KEY_FIELDS = 'id name role keyPrefix accountIds createdAt lastUsedAt revokedAt';

export const Q = {
  accounts: `query ConsoleAccounts { accounts { ${ACCOUNT_FIELDS} } }`,
  runsWithProgress: `query ConsoleRuns { syncRuns(first: 30) { ${RUN_FIELDS} callsExpected progress { done expected percent estimatedFinishAt } } }`,
  runs: `query ConsoleRunsPlain { syncRuns(first: 30) { ${RUN_FIELDS} } }`,
  inbox: `query ConsoleInbox {
    failed: webhookEvents(status: FAILED, first: 100) { ${EVENT_FIELDS} }
    quarantined: webhookEvents(status: QUARANTINED, first: 100) { ${EVENT_FIELDS} }
    pending: webhookEvents(status: PENDING, first: 100) { ${EVENT_FIELDS} } }`,
  apiKeys: `query ConsoleKeys { apiKeys { ${KEY_FIELDS} } }`,
  connect: `mutation ConsoleConnect($apiId: String!, $apiToken: String!) { connectAccount(apiId: $apiId, apiToken: $apiToken) { ${ACCOUNT_FIELDS} } }`,
  disconnect: `mutation ConsoleDisconnect($id: ID!, $purge: Boolean) { disconnectAccount(id: $id, purge: $purge) { id status } }`,
  registerWebhook: `mutation ConsoleRegisterWebhook($id: ID!) { registerWebhook(accountId: $id) { id webhookActive } }`,
  triggerSync: `mutation ConsoleTriggerSync($id: ID!) { triggerSync(accountId: $id) { id status } }`,
  replay: `mutation ConsoleReplay($ids: [ID!], $status: WebhookEventStatus) { replayWebhookEvents(ids: $ids, status: $status) }`,
  createKey: `mutation ConsoleCreateKey($name: String!, $role: Role!, $accountIds: [ID!]) {
    createApiKey(name: $name, role: $role, accountIds: $accountIds) { key apiKey { ${KEY_FIELDS} } } }`,
  revokeKey: `mutation ConsoleRevokeKey($id: ID!) { revokeApiKey(id: $id) }`,
} as const;

export function accountName(
  account: Pick<Account, 'id' | 'name'> | undefined,
  id = account?.id ?? '?',
): string {
  return account?.name ? account.name : `Account ${id}`;
}

/** Something an admin must do about an account, in words, with the action that fixes it. */
export interface Problem {
  severity: 'error' | 'warning';
  text: string;
  fix: 'reconnect' | 'install' | 'register-webhook' | 'sync' | null;
}

export function problemsOf(account: Account, lastRun: SyncRun | undefined): Problem[] {
  const reason = account.statusReason ? ` (${account.statusReason})` : '';
  switch (account.status) {
    case 'NEEDS_REAUTH':
      return [
        {
          severity: 'error',
          text: `Reconnect: Aircall refused the token${reason}. Nothing is synced until ${
            account.authType === 'OAUTH'
              ? 'the app is installed again'
              : 'you connect it again with a valid API key'
          }.`,
          fix: account.authType === 'OAUTH' ? 'install' : 'reconnect',
        },
      ];
    case 'UNINSTALLED':
      return [
        {
          severity: 'error',
          text: 'The Aircall app was uninstalled: install it again to resume syncing (the synced data is kept).',
          fix: 'install',
        },
      ];
    case 'DISCONNECTED':
      return [
        {
          severity: 'warning',
          text: 'Disconnected: the credentials were forgotten and nothing is synced; the synced calls stay queryable. Connect it again to resume.',
          fix: account.authType === 'OAUTH' ? 'install' : 'reconnect',
        },
      ];
    case 'ACTIVE':
      break;
  }
  const problems: Problem[] = [];
  if (account.webhookActive === false)
    problems.push({
      severity: 'error',
      text: 'Aircall disabled the webhook: register it again (until then calls arrive only with the next sync).',
      fix: 'register-webhook',
    });
  else if (account.webhookId === null)
    problems.push({
      severity: 'warning',
      text: 'No webhook is registered: calls arrive only with the periodic sync. Register it to get them in real time.',
      fix: 'register-webhook',
    });
  if (lastRun?.status === 'failed')
    problems.push({
      severity: 'error',
      text: `The last sync failed: ${lastRun.error ?? 'no reason recorded'}. Start one again once the cause is fixed.`,
      fix: 'sync',
    });
  return problems;
}

export function webhookWords(account: Account): string {
  if (account.status === 'DISCONNECTED' || account.status === 'UNINSTALLED')
    return 'none (nothing is synced)';
  if (account.webhookId === null) return 'not registered';
  if (account.webhookActive === true) return 'active';
  if (account.webhookActive === false) return 'disabled by Aircall';
  return 'registered, not checked yet';
}

export function isLive(run: SyncRun): boolean {
  return run.status === 'running' || run.status === 'queued';
}

/** The recordings line of an account card; null when the service does not archive. */
export function archiveWords(archive: RecordingArchive | null | undefined): string | null {
  if (!archive || archive.mode !== 'archive') return null;
  if (!archive.enabled) return `archiving off for this account · ${archive.archived} archived`;
  const mb = archive.bytesStored / (1024 * 1024);
  const parts = [
    `${archive.archived} archived (${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB, ${archive.storage})`,
  ];
  if (archive.pending > 0) parts.push(`${archive.pending} pending`);
  if (archive.failed > 0) parts.push(`${archive.failed} failed`);
  if (archive.expired > 0) parts.push(`${archive.expired} expired`);
  if (archive.deleted > 0) parts.push(`${archive.deleted} deleted`);
  return parts.join(' · ');
}
