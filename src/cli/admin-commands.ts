import { INestApplicationContext } from '@nestjs/common';
import { AccountConnector } from '../accounts/account-connector';
import { AccountsService } from '../accounts/accounts.service';
import { Account } from '../accounts/account';
import { StoredApiKey } from '../auth/api-key.repository';
import { ApiKeysService } from '../auth/api-keys.service';
import { Role } from '../auth/role';
import { invalidInput } from '../errors/domain-errors';
import { syncKindAfterConnect } from '../sync/sync-scheduler';
import { SyncKind, SyncRun } from '../sync/sync-run';
import { SyncService } from '../sync/sync.service';

export const ADMIN_USAGE = `Usage: npm run admin -- <command> [options]      (built: node dist/src/cli/admin.js <command>)

Routine administration of aircall-sync, straight on its database (DATABASE_URL and the rest of the
service's environment, read the same way; pending migrations are applied first). No running service
and no API key are needed, so it also makes the first key.

Commands:
  create-key [--role admin|reader] [--name NAME] [--account ID]...
                      Creates a GraphQL API key and prints it once (only its hash is stored).
                      --role defaults to reader; --account (repeatable, or comma-separated) limits
                      a reader key to those accounts (default: every account).
  revoke-key <id>     Revokes a key (a running service refuses it within 5 s).
  list-keys           Every key, newest first, revoked ones included (prefix only, never the key).
  connect --api-id X --api-token Y
                      Connects an Aircall company with an API key pair (checked against Aircall
                      first), registers its webhook at PUBLIC_URL/aircall/webhook, then runs its
                      first sync (backfill of BACKFILL_DAYS, or from its cursor when the company was
                      connected before) in this process and waits for it.
  list-accounts       Every account: id, status, name, webhook, sync cursor.
  sync <accountId> [--full]
                      Queues a sync run and runs it in this process under the account's sync lease,
                      as any instance would, and waits for it. Default: from the account's sync
                      cursor; --full: the last BACKFILL_DAYS days. If a running service holds the
                      account's lease, the run stays queued and that service runs it after the one
                      it is running (or at its next SYNC_CRON tick).
  --help, help        This text.

Options for every command:
  --json              Machine-readable output (one JSON document on stdout).

Environment: the service's own (DATABASE_URL, ENCRYPTION_KEY, PUBLIC_URL, AIRCALL_API_URL, ...;
see README "Configuration"). Logs at warn and above go to stdout/stderr as JSON lines.
Exit status: 0 done, 1 the command failed (the reason on stderr), 2 wrong usage.
Ctrl-C during a sync stops it at the next page boundary; it resumes from its checkpoint later.`;

/** Wrong command line: the usage is shown with the reason. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedCommand {
  command: string;
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

const FLAGS = new Set(['json', 'full', 'help']);
const OPTIONS: Record<string, readonly string[]> = {
  'create-key': ['role', 'name', 'account'],
  connect: ['api-id', 'api-token'],
};

/** `<command> [positional] [--option value | --option=value | --flag]`. */
export function parseAdminArguments(argv: readonly string[]): ParsedCommand {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (FLAGS.has(name) && inline === undefined) {
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  const command = flags.has('help') ? 'help' : (positional.shift() ?? 'help');
  const allowed = OPTIONS[command] ?? [];
  for (const name of options.keys())
    if (!allowed.includes(name)) throw new UsageError(`${command} has no option --${name}`);
  return { command, positional, options, flags };
}

/** What a command printed: text for people, or the value `--json` prints. */
export interface CommandOutput {
  text: string;
  json: unknown;
  /** Non-zero when the command ran but its outcome is a failure (a failed sync run, no key revoked). */
  exitCode: number;
}

/** Runs one parsed command on the CLI's application context. */
export async function runAdminCommand(
  app: INestApplicationContext,
  parsed: ParsedCommand,
): Promise<CommandOutput> {
  const one = (name: string): string | undefined => {
    const values = parsed.options.get(name);
    if (values && values.length > 1) throw new UsageError(`--${name} is given more than once`);
    return values?.[0];
  };
  const argument = (what: string): string => {
    if (parsed.positional.length !== 1) throw new UsageError(`${parsed.command} takes ${what}`);
    return parsed.positional[0];
  };
  const noArguments = () => {
    if (parsed.positional.length > 0)
      throw new UsageError(`${parsed.command} takes no argument (got ${parsed.positional.join(' ')})`);
  };
  switch (parsed.command) {
    case 'create-key': {
      noArguments();
      const roleName = (one('role') ?? 'reader').toLowerCase();
      if (roleName !== 'admin' && roleName !== 'reader')
        throw new UsageError('--role must be admin or reader');
      const role = roleName === 'admin' ? Role.ADMIN : Role.READER;
      const accounts = (parsed.options.get('account') ?? []).flatMap((value) =>
        value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      );
      const name = one('name') ?? `${roleName} key from the admin CLI, ${new Date().toISOString()}`;
      const created = await app.get(ApiKeysService).create(name, role, accounts.length > 0 ? accounts : null);
      return {
        text: [
          `Created ${roleName} API key ${created.apiKey.id} ("${created.apiKey.name}"). It is shown only now:`,
          '',
          `    ${created.key}`,
          '',
          'Use it as `Authorization: Bearer <key>` on POST /graphql.',
        ].join('\n'),
        json: { ...keyView(created.apiKey), key: created.key },
        exitCode: 0,
      };
    }
    case 'revoke-key': {
      const id = argument('one key id (list-keys shows them)');
      const revoked = await app.get(ApiKeysService).revoke(id);
      return {
        text: revoked ? `Revoked API key ${id}.` : `No unrevoked API key ${id}: nothing changed.`,
        json: { id, revoked },
        exitCode: revoked ? 0 : 1,
      };
    }
    case 'list-keys': {
      noArguments();
      const keys = await app.get(ApiKeysService).list();
      return {
        text: table(
          ['id', 'role', 'prefix', 'name', 'accounts', 'created', 'last used', 'revoked'],
          keys.map((key) => [
            key.id,
            key.role,
            `${key.keyPrefix}…`,
            key.name,
            key.accountIds?.join(',') ?? 'all',
            iso(key.createdAt),
            iso(key.lastUsedAt),
            iso(key.revokedAt),
          ]),
        ),
        json: keys.map(keyView),
        exitCode: 0,
      };
    }
    case 'list-accounts': {
      noArguments();
      const accounts = await app.get(AccountsService).list();
      return {
        text: table(
          ['id', 'status', 'auth', 'name', 'webhook', 'sync cursor', 'last synced'],
          accounts.map((account) => [
            account.id,
            account.status,
            account.authType,
            account.name ?? '',
            account.webhookId ? (account.webhookActive === false ? 'inactive' : 'active') : 'none',
            iso(account.syncCursor),
            iso(account.lastSyncedAt),
          ]),
        ),
        json: accounts.map(accountView),
        exitCode: 0,
      };
    }
    case 'connect': {
      noArguments();
      const apiId = one('api-id');
      const apiToken = one('api-token');
      if (!apiId || !apiToken) throw new UsageError('connect needs --api-id and --api-token');
      const outcome = await app.get(AccountConnector).connectBasic(apiId, apiToken);
      const lines = [
        `${outcome.reconnected ? 'Connected again' : 'Connected'}: account ${outcome.account.id} (${outcome.account.name ?? 'unnamed'}).`,
        outcome.webhookError
          ? `Webhook NOT registered: ${outcome.webhookError}`
          : `Webhook registered: ${outcome.account.webhookId ?? '?'}.`,
      ];
      const sync = await runSync(app, outcome.account.id, syncKindAfterConnect(outcome.reconnected), lines);
      return {
        text: lines.join('\n'),
        json: {
          account: accountView(outcome.account),
          reconnected: outcome.reconnected,
          webhookError: outcome.webhookError,
          run: runView(sync),
        },
        exitCode: sync.status === 'failed' ? 1 : 0,
      };
    }
    case 'sync': {
      const accountId = argument('one account id (list-accounts shows them)');
      if (!/^\d{1,19}$/.test(accountId))
        throw invalidInput('accountId', `"${accountId}" is not an account id`);
      const lines: string[] = [];
      const run = await runSync(app, accountId, parsed.flags.has('full') ? 'backfill' : 'manual', lines);
      return { text: lines.join('\n'), json: runView(run), exitCode: run.status === 'failed' ? 1 : 0 };
    }
    default:
      throw new UsageError(`unknown command "${parsed.command}"`);
  }
}

/** Queues a run, drives it in this process (SyncService, under the account's lease) and reports it. */
async function runSync(
  app: INestApplicationContext,
  accountId: string,
  kind: SyncKind,
  lines: string[],
): Promise<SyncRun> {
  const sync = app.get(SyncService);
  const queued = await sync.trigger(accountId, kind);
  lines.push(`Sync run ${queued.id} (${kind}) over ${iso(queued.windowFrom)} .. ${iso(queued.windowTo)}.`);
  await sync.whenIdle();
  const run = (await sync.runStatus(accountId, queued.id)) ?? queued;
  if (run.status === 'queued' || run.status === 'running')
    lines.push(
      `Still ${run.status}: another instance holds the account's sync lease and runs it after its current run.`,
    );
  else
    lines.push(
      `Run ${run.status}: ${run.requestsMade} Aircall requests, ${run.callsFetched} calls fetched, ${run.callsWritten} written${run.error ? `; error: ${run.error}` : ''}.`,
    );
  return run;
}

function keyView(key: StoredApiKey): Record<string, unknown> {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    accountIds: key.accountIds,
    keyPrefix: key.keyPrefix,
    createdAt: iso(key.createdAt) || null,
    lastUsedAt: iso(key.lastUsedAt) || null,
    revokedAt: iso(key.revokedAt) || null,
  };
}

function accountView(account: Account): Record<string, unknown> {
  return {
    id: account.id,
    name: account.name,
    status: account.status,
    authType: account.authType,
    apiId: account.apiId,
    webhookId: account.webhookId,
    webhookActive: account.webhookActive,
    syncCursor: iso(account.syncCursor) || null,
    lastSyncedAt: iso(account.lastSyncedAt) || null,
  };
}

function runView(run: SyncRun): Record<string, unknown> {
  return {
    id: run.id,
    accountId: run.accountId,
    kind: run.kind,
    status: run.status,
    windowFrom: iso(run.windowFrom) || null,
    windowTo: iso(run.windowTo) || null,
    requestsMade: run.requestsMade,
    callsFetched: run.callsFetched,
    callsWritten: run.callsWritten,
    error: run.error,
  };
}

function iso(date: Date | null): string {
  return date ? date.toISOString() : '';
}

/** Columns padded to their widest cell; "(none)" for no rows. */
function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
