import { byId, button, draw, h, span, when } from './dom.js';
import { ConsoleError, graphql, messageOf } from './graphql.js';
import {
  Account,
  accountName,
  archiveWords,
  ApiKey,
  InboxStatus,
  isLive,
  Problem,
  problemsOf,
  Q,
  SyncRun,
  webhookWords,
  WebhookEvent,
} from './model.js';

const KEY_STORAGE = 'aircall-sync.adminKey';
const RUNS_EVERY_MS = 2_000;
const REST_EVERY_MS = 15_000;

interface State {
  key: string | null;
  accounts: Account[];
  runs: SyncRun[];
  inbox: Record<InboxStatus, WebhookEvent[]>;
  apiKeys: ApiKey[];
  /** null until the first runs query tells whether the schema has SyncRun.progress. */
  progress: boolean | null;
  inboxTab: InboxStatus;
  selected: Set<string>;
}

const state: State = {
  key: sessionStorage.getItem(KEY_STORAGE),
  accounts: [],
  runs: [],
  inbox: { FAILED: [], QUARANTINED: [], PENDING: [] },
  apiKeys: [],
  progress: null,
  inboxTab: 'FAILED',
  selected: new Set(),
};

// ---- feedback -------------------------------------------------------------------------------

function toast(text: string, kind: 'ok' | 'error' | 'info' = 'ok'): void {
  const item = h(
    'div',
    { class: `toast toast-${kind}`, attrs: { role: kind === 'error' ? 'alert' : 'status' } },
    text,
  );
  const close = button('×', () => item.remove(), 'toast-close');
  close.setAttribute('aria-label', 'Dismiss');
  item.append(close);
  const toasts = byId('toasts', HTMLDivElement);
  toasts.append(item);
  // A burst of actions must not bury the page: the oldest notes go first.
  while (toasts.children.length > 3) toasts.firstElementChild?.remove();
  // Errors stay until dismissed: they ask for an action; confirmations go away by themselves.
  if (kind !== 'error') setTimeout(() => item.remove(), 6_000);
}

function fail(error: unknown): void {
  if (error instanceof ConsoleError && error.code === 'UNAUTHENTICATED') {
    signOut(error.message);
    return;
  }
  toast(messageOf(error), 'error');
}

interface ConfirmOptions {
  title: string;
  text: string;
  confirmLabel: string;
  extra?: HTMLElement;
}

/** A modal asking before anything that cannot be undone; resolves true only on the confirm button. */
function confirmAction(options: ConfirmOptions): Promise<boolean> {
  const dialog = byId('confirm', HTMLDialogElement);
  return new Promise((resolve) => {
    const finish = (answer: boolean) => {
      dialog.close();
      resolve(answer);
    };
    const ok = h(
      'button',
      { class: 'danger', attrs: { type: 'button' }, onClick: () => finish(true) },
      options.confirmLabel,
    );
    const cancel = h('button', { attrs: { type: 'button' }, onClick: () => finish(false) }, 'Cancel');
    dialog.replaceChildren(h('h3', {}, options.title), h('p', {}, options.text));
    if (options.extra) dialog.append(options.extra);
    dialog.append(h('div', { class: 'actions' }, cancel, ok));
    dialog.addEventListener('cancel', () => resolve(false), { once: true });
    dialog.showModal();
    cancel.focus();
  });
}

// ---- signing in -------------------------------------------------------------------------------

function showSignedIn(signedIn: boolean): void {
  byId('sign-in', HTMLElement).hidden = signedIn;
  byId('app', HTMLElement).hidden = !signedIn;
  byId('sign-out', HTMLButtonElement).hidden = !signedIn;
  byId('refresh', HTMLButtonElement).hidden = !signedIn;
}

function signOut(reason?: string): void {
  sessionStorage.removeItem(KEY_STORAGE);
  state.key = null;
  showSignedIn(false);
  byId('sign-in-status', HTMLElement).textContent = reason ?? 'Signed out.';
}

async function signIn(key: string): Promise<void> {
  const status = byId('sign-in-status', HTMLElement);
  status.textContent = 'Checking the key…';
  try {
    // apiKeys is admin-only: a READER key is told so here, not by every panel failing later.
    await graphql(key, Q.apiKeys);
  } catch (error) {
    status.textContent =
      error instanceof ConsoleError && error.code === 'UNAUTHENTICATED'
        ? 'The service does not know this key (mistyped, or revoked).'
        : messageOf(error);
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  state.key = key;
  status.textContent = '';
  showSignedIn(true);
  toast('Signed in. The key is kept in this tab only.', 'info');
  await refreshAll();
}

async function ask<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  if (state.key === null) throw new ConsoleError('Sign in first.', 'UNAUTHENTICATED');
  return graphql<T>(state.key, query, variables);
}

// ---- loading ----------------------------------------------------------------------------------

async function loadAccounts(): Promise<void> {
  state.accounts = (await ask<{ accounts: Account[] }>(Q.accounts)).accounts;
}

async function loadRuns(): Promise<void> {
  if (state.progress !== false) {
    try {
      state.runs = (await ask<{ syncRuns: SyncRun[] }>(Q.runsWithProgress)).syncRuns;
      state.progress = true;
      return;
    } catch (error) {
      // A service from before SyncRun.progress refuses the field: ask without it from now on.
      const unknownField =
        error instanceof ConsoleError &&
        error.code === 'GRAPHQL_VALIDATION_FAILED' &&
        /progress|callsExpected/.test(error.serverMessage);
      if (!unknownField) throw error;
      state.progress = false;
    }
  }
  state.runs = (await ask<{ syncRuns: SyncRun[] }>(Q.runs)).syncRuns;
}

async function loadInbox(): Promise<void> {
  const inbox = await ask<{ failed: WebhookEvent[]; quarantined: WebhookEvent[]; pending: WebhookEvent[] }>(
    Q.inbox,
  );
  state.inbox = { FAILED: inbox.failed, QUARANTINED: inbox.quarantined, PENDING: inbox.pending };
  const present = new Set([...inbox.failed, ...inbox.quarantined, ...inbox.pending].map((e) => e.id));
  for (const id of state.selected) if (!present.has(id)) state.selected.delete(id);
}

async function loadKeys(): Promise<void> {
  state.apiKeys = (await ask<{ apiKeys: ApiKey[] }>(Q.apiKeys)).apiKeys;
}

async function refreshAll(): Promise<void> {
  try {
    await Promise.all([loadAccounts(), loadRuns(), loadInbox(), loadKeys()]);
    renderAll();
    setLine(`Up to date at ${new Date().toLocaleTimeString()}.`);
  } catch (error) {
    fail(error);
  }
}

function setLine(text: string): void {
  byId('status-line', HTMLElement).textContent = text;
}

// ---- accounts ---------------------------------------------------------------------------------

function latestRun(accountId: string): SyncRun | undefined {
  return state.runs.find((run) => run.accountId === accountId);
}

function progressBar(run: SyncRun): HTMLElement {
  const progress = run.progress ?? null;
  const percent = progress?.percent ?? null;
  const bar = h('div', { class: 'bar-fill' });
  const track = h(
    'div',
    {
      class: percent === null ? 'bar indeterminate' : run.status === 'failed' ? 'bar bar-failed' : 'bar',
      attrs: {
        role: 'progressbar',
        'aria-valuemin': '0',
        'aria-valuemax': '100',
        'aria-label': `${run.kind} sync progress`,
      },
    },
    bar,
  );
  if (percent !== null) {
    const clamped = Math.max(0, Math.min(100, percent));
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    bar.style.width = `${clamped}%`;
    track.setAttribute('aria-valuenow', clamped.toFixed(0));
  }
  const done = progress?.done ?? run.callsWritten;
  const expected = progress?.expected ?? run.callsExpected ?? null;
  const words: string[] = [];
  if (percent !== null) words.push(`${Math.floor(percent)} %`);
  words.push(expected === null ? `${done} calls written` : `${done} / ${expected} calls`);
  if (run.status === 'queued') words.push('waiting to start');
  else if (!isLive(run)) words.push(`${run.callsWritten} changed`);
  else if (progress?.estimatedFinishAt) {
    const finish = new Date(progress.estimatedFinishAt);
    const left = finish.getTime() - Date.now();
    words.push(timeLeft(left, finish));
  } else if (expected === null)
    words.push(state.progress === false ? 'total not known yet' : 'counting the calls…');
  return h(
    'div',
    { class: 'progress', attrs: { 'data-run': run.id, 'data-status': run.status } },
    track,
    h('p', { class: 'progress-words' }, words.join(' · ')),
  );
}

/** The estimate in words: the finish time only when it is far enough off to plan around. */
function timeLeft(ms: number, finish: Date): string {
  if (ms < 10_000) return ms > 0 ? 'a few seconds left' : 'finishing';
  if (ms < 120_000) return `about ${span(ms)} left`;
  return `about ${span(ms)} left (until ≈ ${finish.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })})`;
}

function runLine(run: SyncRun): HTMLElement {
  const account = state.accounts.find((a) => a.id === run.accountId);
  const outcome =
    run.status === 'succeeded'
      ? `succeeded: ${run.callsWritten} calls written`
      : run.status === 'failed'
        ? `failed: ${run.error ?? 'no reason recorded'}`
        : run.status;
  // A finished run keeps its bar where the service measured it: 100 % or where a failure stopped it.
  const measured = !isLive(run) && typeof run.progress?.percent === 'number';
  return h(
    'li',
    { class: `run run-${run.status}`, attrs: { 'data-run': run.id } },
    h(
      'div',
      { class: 'run-head' },
      h('strong', {}, `${run.kind} · ${accountName(account, run.accountId)}`),
      h('span', { class: `badge badge-${run.status}` }, run.status),
    ),
    isLive(run) || (measured && run.status === 'succeeded') ? null : h('p', { class: 'muted' }, outcome),
    isLive(run) || measured ? progressBar(run) : null,
    h(
      'p',
      { class: 'muted small' },
      'created ',
      when(run.createdAt),
      run.finishedAt ? ' · finished ' : '',
      run.finishedAt ? when(run.finishedAt) : '',
    ),
  );
}

function renderAccounts(): void {
  const list = byId('account-list', HTMLDivElement);
  if (state.accounts.length === 0) {
    draw(
      list,
      'empty',
      h(
        'p',
        { class: 'empty' },
        'No account yet: connect one below with an Aircall API key, or install through Aircall.',
      ),
    );
    return;
  }
  const signature = JSON.stringify([
    state.accounts,
    state.accounts.map((a) => latestRun(a.id)?.status ?? null),
  ]);
  draw(list, signature, ...state.accounts.map(accountCard));
}

function accountCard(account: Account): HTMLElement {
  const lastRun = latestRun(account.id);
  const problems = problemsOf(account, lastRun);
  const active = account.status === 'ACTIVE';
  const actions = h('div', { class: 'actions' });
  if (active) actions.append(button('Sync now', () => triggerSync(account)));
  if (active) actions.append(button('Register webhook', () => registerWebhook(account)));
  if (account.status !== 'DISCONNECTED')
    actions.append(button('Disconnect…', () => disconnect(account), 'danger'));
  return h(
    'article',
    { class: 'card account', attrs: { 'data-account': account.id } },
    h(
      'div',
      { class: 'card-head' },
      h('h3', {}, accountName(account)),
      h(
        'span',
        { class: `badge badge-${account.status.toLowerCase()}` },
        account.status.replace('_', ' ').toLowerCase(),
      ),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Id'),
      h('dd', {}, account.id, ' · ', account.authType === 'OAUTH' ? 'OAuth install' : 'API key'),
      h('dt', {}, 'Webhook'),
      h(
        'dd',
        { attrs: { 'data-field': 'webhook' } },
        webhookWords(account),
        account.webhookCheckedAt && account.webhookId ? ' · checked ' : '',
        account.webhookCheckedAt && account.webhookId ? when(account.webhookCheckedAt) : '',
      ),
      h('dt', {}, 'Last sync'),
      h('dd', {}, when(account.lastSyncedAt), lastRun ? ` · last run ${lastRun.status}` : ''),
      h('dt', {}, 'Synced up to'),
      h('dd', {}, when(account.syncCursor, 'nothing yet')),
      ...(archiveWords(account.recordingArchive)
        ? [
            h('dt', {}, 'Recordings'),
            h('dd', { attrs: { 'data-field': 'recordings' } }, archiveWords(account.recordingArchive)!),
          ]
        : []),
    ),
    ...problems.map((p) =>
      h(
        'div',
        { class: `problem problem-${p.severity}`, attrs: { role: 'note' } },
        h('p', {}, p.text),
        fixButton(account, p.fix),
      ),
    ),
    h('div', { class: 'account-progress', attrs: { 'data-progress-for': account.id } }),
    actions,
  );
}

function fixButton(account: Account, fix: Problem['fix']): HTMLElement | null {
  switch (fix) {
    case 'register-webhook':
      return button('Register the webhook again', () => registerWebhook(account), 'primary');
    case 'sync':
      return button('Sync now', () => triggerSync(account), 'primary');
    case 'install':
      return h(
        'a',
        { class: 'button primary', attrs: { href: '/oauth/install' } },
        'Install through Aircall',
      );
    case 'reconnect':
      return button(
        'Reconnect with an API key',
        () => {
          byId('connect-api-id', HTMLInputElement).focus();
          toast(
            'Enter the API ID and token of a valid Aircall API key below: the same company lands on this account.',
            'info',
          );
        },
        'primary',
      );
    case null:
      return null;
  }
}

/** Progress of live runs, redrawn every poll in place (the account cards and their buttons stay). */
function renderProgress(): void {
  for (const slot of document.querySelectorAll<HTMLElement>('[data-progress-for]')) {
    const live = state.runs.filter((run) => run.accountId === slot.dataset.progressFor && isLive(run));
    slot.replaceChildren(
      ...live.map((run) =>
        h(
          'div',
          { class: 'live-run' },
          h('p', { class: 'small' }, `${run.kind} sync ${run.status}`),
          progressBar(run),
        ),
      ),
    );
  }
  const live = state.runs.filter(isLive);
  const running = byId('running-runs', HTMLElement);
  if (live.length === 0) running.replaceChildren(h('p', { class: 'empty' }, 'No sync is running.'));
  else running.replaceChildren(h('ul', { class: 'runs' }, ...live.map(runLine)));
  const done = state.runs.filter((run) => !isLive(run)).slice(0, 10);
  draw(
    byId('recent-runs', HTMLElement),
    JSON.stringify([done, state.accounts.map((a) => a.name)]),
    done.length === 0
      ? h('p', { class: 'empty' }, 'No finished run yet.')
      : h('ul', { class: 'runs' }, ...done.map(runLine)),
  );
}

async function connect(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const apiId = String(data.get('apiId') ?? '').trim();
  const apiToken = String(data.get('apiToken') ?? '').trim();
  const status = byId('connect-status', HTMLElement);
  if (!apiId || !apiToken) {
    status.textContent = 'Give both the API ID and the API token (Aircall: Company Settings → API Keys).';
    return;
  }
  status.textContent = 'Checking the key with Aircall…';
  try {
    const { connectAccount } = await ask<{ connectAccount: Account }>(Q.connect, { apiId, apiToken });
    form.reset();
    status.textContent = '';
    toast(
      `Connected ${accountName(connectAccount)}: its webhook is registered and the backfill has started.`,
    );
    await refreshAll();
  } catch (error) {
    status.textContent = messageOf(error);
    if (error instanceof ConsoleError && error.code === 'UNAUTHENTICATED') fail(error);
  }
}

async function triggerSync(account: Account): Promise<void> {
  try {
    await ask(Q.triggerSync, { id: account.id });
    toast(`Sync of ${accountName(account)} queued: its progress shows below.`);
    await loadRuns();
    renderAll();
  } catch (error) {
    fail(error);
  }
}

async function registerWebhook(account: Account): Promise<void> {
  try {
    const { registerWebhook: result } = await ask<{ registerWebhook: { webhookActive: boolean | null } }>(
      Q.registerWebhook,
      { id: account.id },
    );
    toast(
      result.webhookActive === false
        ? `Aircall still reports the webhook of ${accountName(account)} inactive: check PUBLIC_URL is reachable over HTTPS.`
        : `Webhook of ${accountName(account)} registered: calls arrive in real time again.`,
      result.webhookActive === false ? 'error' : 'ok',
    );
    await refreshAll();
  } catch (error) {
    fail(error);
  }
}

async function disconnect(account: Account): Promise<void> {
  const purge = h('input', { attrs: { type: 'checkbox', id: 'purge' } });
  const confirmed = await confirmAction({
    title: `Disconnect ${accountName(account)}?`,
    text: 'The webhook is deleted at Aircall and the credentials are forgotten; nothing is synced until it is connected again. The synced calls stay queryable.',
    confirmLabel: 'Disconnect',
    extra: h(
      'label',
      { class: 'check danger-text' },
      purge,
      ' Also delete every synced row of this account (cannot be undone)',
    ),
  });
  if (!confirmed) {
    toast('Nothing was disconnected.', 'info');
    return;
  }
  try {
    await ask(Q.disconnect, { id: account.id, purge: purge.checked });
    toast(`${accountName(account)} is disconnected${purge.checked ? ' and its data deleted' : ''}.`);
    await refreshAll();
  } catch (error) {
    fail(error);
  }
}

// ---- inbox ------------------------------------------------------------------------------------

const INBOX_WORDS: Record<InboxStatus, string> = {
  FAILED: 'Applying these failed after every retry; replay them once the cause (see each error) is fixed.',
  QUARANTINED:
    'Aircall sent these in a shape this version cannot use; replay them after an upgrade that can.',
  PENDING: 'Waiting to be applied (or to be retried): they usually go within seconds.',
};

function renderInbox(): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[data-inbox-tab]')) {
    const status = tab.dataset.inboxTab as InboxStatus;
    const count = state.inbox[status].length;
    tab.textContent = `${status.toLowerCase()} (${count >= 100 ? '100+' : count})`;
    tab.setAttribute('aria-pressed', String(status === state.inboxTab));
  }
  const events = state.inbox[state.inboxTab];
  byId('inbox-words', HTMLElement).textContent = INBOX_WORDS[state.inboxTab];
  const list = byId('inbox-list', HTMLElement);
  draw(
    list,
    JSON.stringify([state.inboxTab, events]),
    events.length === 0
      ? h('p', { class: 'empty' }, `No ${state.inboxTab.toLowerCase()} event.`)
      : h('ul', { class: 'events' }, ...events.map(eventLine)),
  );
  renderReplayButton();
}

function eventLine(event: WebhookEvent): HTMLElement {
  const account = state.accounts.find((a) => a.id === event.accountId);
  const box = h('input', { attrs: { type: 'checkbox', 'aria-label': `select ${event.event} ${event.id}` } });
  box.checked = state.selected.has(event.id);
  box.addEventListener('change', () => {
    if (box.checked) state.selected.add(event.id);
    else state.selected.delete(event.id);
    renderReplayButton();
  });
  return h(
    'li',
    { class: 'event', attrs: { 'data-event': event.id } },
    h('label', { class: 'event-pick' }, box),
    h(
      'div',
      { class: 'event-body' },
      h(
        'p',
        {},
        h('strong', {}, event.event),
        ` · ${event.resource} ${event.resourceId ?? ''} · ${accountName(account, event.accountId)}`,
      ),
      event.lastError ? h('p', { class: 'event-error' }, event.lastError) : null,
      h(
        'p',
        { class: 'muted small' },
        'received ',
        when(event.receivedAt),
        ` · ${event.attempts} attempt${event.attempts === 1 ? '' : 's'}`,
      ),
    ),
  );
}

function renderReplayButton(): void {
  const replay = byId('replay-selected', HTMLButtonElement);
  const count = [...state.selected].filter((id) =>
    state.inbox[state.inboxTab].some((e) => e.id === id),
  ).length;
  replay.textContent = count === 0 ? 'Replay selected' : `Replay ${count} selected`;
  replay.disabled = count === 0;
  const all = byId('replay-all', HTMLButtonElement);
  all.textContent = `Replay all ${state.inboxTab.toLowerCase()}`;
  all.disabled = state.inbox[state.inboxTab].length === 0 || state.inboxTab === 'PENDING';
}

async function replay(selection: { ids: string[] } | { status: InboxStatus }): Promise<void> {
  try {
    const { replayWebhookEvents: count } = await ask<{ replayWebhookEvents: number }>(Q.replay, selection);
    toast(
      count === 0
        ? 'No event needed replaying.'
        : `${count} event${count === 1 ? '' : 's'} queued again: applied within seconds.`,
    );
    state.selected.clear();
    await loadInbox();
    renderInbox();
  } catch (error) {
    fail(error);
  }
}

// ---- API keys ---------------------------------------------------------------------------------

function renderKeys(): void {
  const list = byId('key-list', HTMLElement);
  draw(
    list,
    JSON.stringify(state.apiKeys),
    state.apiKeys.length === 0
      ? h('p', { class: 'empty' }, 'No key made yet (the ADMIN_API_KEY of the configuration is not listed).')
      : h('ul', { class: 'keys' }, ...state.apiKeys.map(keyLine)),
  );
  const picker = byId('key-accounts', HTMLElement);
  draw(
    picker,
    JSON.stringify(state.accounts.map((a) => [a.id, a.name])),
    ...state.accounts.map((a) =>
      h(
        'label',
        { class: 'check' },
        h('input', { attrs: { type: 'checkbox', name: 'accountIds', value: a.id } }),
        ` ${accountName(a)}`,
      ),
    ),
  );
}

function keyLine(key: ApiKey): HTMLElement {
  const scope =
    key.role === 'ADMIN'
      ? 'every account'
      : key.accountIds === null
        ? 'reads every account'
        : `reads ${key.accountIds.length} account${key.accountIds.length === 1 ? '' : 's'}`;
  return h(
    'li',
    { class: key.revokedAt ? 'key revoked' : 'key', attrs: { 'data-key': key.id } },
    h(
      'div',
      { class: 'key-body' },
      h(
        'p',
        {},
        h('strong', {}, key.name),
        ' ',
        h('span', { class: `badge badge-${key.role.toLowerCase()}` }, key.role.toLowerCase()),
        key.revokedAt ? h('span', { class: 'badge badge-revoked' }, 'revoked') : null,
      ),
      h(
        'p',
        { class: 'muted small' },
        h('code', {}, `${key.keyPrefix}…`),
        ` · ${scope} · made `,
        when(key.createdAt),
        ' · used ',
        when(key.lastUsedAt),
      ),
    ),
    key.revokedAt ? null : button('Revoke…', () => revoke(key), 'danger'),
  );
}

async function createKey(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const name = String(data.get('name') ?? '').trim();
  const role = String(data.get('role') ?? 'READER');
  const ids = data.getAll('accountIds').map(String);
  const status = byId('key-status', HTMLElement);
  if (!name) {
    status.textContent = 'Give the key a name that says who uses it (e.g. "BI dashboard").';
    return;
  }
  try {
    const { createApiKey } = await ask<{ createApiKey: { key: string; apiKey: ApiKey } }>(Q.createKey, {
      name,
      role,
      accountIds: role === 'READER' && ids.length > 0 ? ids : null,
    });
    form.reset();
    status.textContent = '';
    showNewKey(createApiKey.apiKey, createApiKey.key);
    await loadKeys();
    renderKeys();
  } catch (error) {
    status.textContent = messageOf(error);
    if (error instanceof ConsoleError && error.code === 'UNAUTHENTICATED') fail(error);
  }
}

/** The only time the key is readable: only its SHA-256 is stored. */
function showNewKey(apiKey: ApiKey, secret: string): void {
  const field = h('input', {
    class: 'secret',
    attrs: {
      type: 'text',
      readonly: '',
      value: secret,
      'aria-label': 'the new API key',
      id: 'new-key-value',
    },
  });
  const copy = button(
    'Copy',
    async () => {
      try {
        await navigator.clipboard.writeText(secret);
        toast('The key is copied to the clipboard.');
      } catch {
        field.select();
        toast('The browser refused the clipboard: the key is selected, copy it with Ctrl+C / ⌘C.', 'info');
      }
    },
    'primary',
  );
  const box = byId('new-key', HTMLElement);
  box.replaceChildren(
    h(
      'p',
      { class: 'warning' },
      `Key "${apiKey.name}" (${apiKey.role.toLowerCase()}) is made. Copy it now: it will not be shown again.`,
    ),
    h('div', { class: 'secret-row' }, field, copy),
    button('I have copied it', () => {
      box.replaceChildren();
      box.hidden = true;
    }),
  );
  box.hidden = false;
  toast(`Key "${apiKey.name}" made: copy it from the box, it is shown only once.`);
}

async function revoke(key: ApiKey): Promise<void> {
  const own = state.key !== null && state.key.startsWith(key.keyPrefix);
  const confirmed = await confirmAction({
    title: `Revoke "${key.name}"?`,
    text: `Every client using it (${key.keyPrefix}…) is refused from now on; this cannot be undone.${own ? ' It looks like the key you are signed in with: you will be signed out.' : ''}`,
    confirmLabel: 'Revoke',
  });
  if (!confirmed) {
    toast('The key was not revoked.', 'info');
    return;
  }
  try {
    const { revokeApiKey } = await ask<{ revokeApiKey: boolean }>(Q.revokeKey, { id: key.id });
    toast(revokeApiKey ? `"${key.name}" is revoked.` : `"${key.name}" was already revoked.`);
    await loadKeys();
    renderKeys();
  } catch (error) {
    fail(error);
  }
}

// ---- wiring -----------------------------------------------------------------------------------

function renderAll(): void {
  renderAccounts();
  renderProgress();
  renderInbox();
  renderKeys();
}

let polling = false;
/** Every 2 s the runs (progress bars); every 15 s the rest. A poll never overlaps the previous one. */
async function poll(full: boolean): Promise<void> {
  if (polling || state.key === null || document.visibilityState === 'hidden') return;
  polling = true;
  try {
    const before = state.runs
      .filter(isLive)
      .map((r) => r.id)
      .join();
    await loadRuns();
    const after = state.runs
      .filter(isLive)
      .map((r) => r.id)
      .join();
    // A run that finished changed the account's last sync and cursor: read them now, not in 15 s.
    if (full || before !== after) await Promise.all([loadAccounts(), loadInbox(), loadKeys()]);
    if (full || before !== after) renderAll();
    else {
      renderAccounts();
      renderProgress();
    }
    setLine(`Up to date at ${new Date().toLocaleTimeString()}.`);
  } catch (error) {
    if (error instanceof ConsoleError && error.code === 'UNAUTHENTICATED') fail(error);
    else setLine(messageOf(error));
  } finally {
    polling = false;
  }
}

function wire(): void {
  byId('sign-in-form', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('sign-in-key', HTMLInputElement);
    void signIn(input.value.trim()).then(() => {
      input.value = '';
    });
  });
  byId('sign-out', HTMLButtonElement).addEventListener('click', () =>
    signOut('Signed out: the key is forgotten by this tab.'),
  );
  byId('connect-form', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    void connect(event.currentTarget as HTMLFormElement);
  });
  byId('key-form', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    void createKey(event.currentTarget as HTMLFormElement);
  });
  const role = byId('key-role', HTMLSelectElement);
  const scope = byId('key-scope', HTMLElement);
  const syncScope = () => {
    scope.hidden = role.value !== 'READER';
  };
  role.addEventListener('change', syncScope);
  syncScope();
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[data-inbox-tab]')) {
    tab.addEventListener('click', () => {
      state.inboxTab = tab.dataset.inboxTab as InboxStatus;
      renderInbox();
    });
  }
  byId('replay-selected', HTMLButtonElement).addEventListener('click', () => {
    const ids = [...state.selected].filter((id) => state.inbox[state.inboxTab].some((e) => e.id === id));
    void replay({ ids });
  });
  byId('replay-all', HTMLButtonElement).addEventListener(
    'click',
    () => void replay({ status: state.inboxTab }),
  );
  byId('refresh', HTMLButtonElement).addEventListener('click', () => void refreshAll());

  let ticks = 0;
  setInterval(() => {
    ticks += 1;
    void poll(ticks % (REST_EVERY_MS / RUNS_EVERY_MS) === 0);
  }, RUNS_EVERY_MS);
  document.addEventListener('visibilitychange', () => void poll(true));
}

wire();
if (state.key === null) showSignedIn(false);
else {
  showSignedIn(true);
  void refreshAll();
}
