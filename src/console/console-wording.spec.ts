import { Account, archiveWords, problemsOf, RecordingArchive, SyncRun, webhookWords } from './client/model';

const account = (over: Partial<Account> = {}): Account => ({
  id: '1',
  name: 'Acme',
  status: 'ACTIVE',
  statusReason: null,
  authType: 'BASIC',
  webhookId: 'w1',
  webhookActive: true,
  webhookCheckedAt: null,
  lastSyncedAt: null,
  syncCursor: null,
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});
const run = (over: Partial<SyncRun>): SyncRun => ({
  id: 'r1',
  accountId: '1',
  kind: 'manual',
  status: 'succeeded',
  callsFetched: 0,
  callsWritten: 0,
  requestsMade: 0,
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  ...over,
});

/** What the console tells an admin to do, per account state (the page renders these words and their fix). */
describe('console wording of account problems', () => {
  it('has nothing to say about a healthy account', () => {
    expect(problemsOf(account(), run({}))).toEqual([]);
    expect(webhookWords(account())).toBe('active');
  });

  it('asks to reconnect an account whose token Aircall refused, by the way it was connected', () => {
    const [basic] = problemsOf(
      account({ status: 'NEEDS_REAUTH', statusReason: '401 from Aircall' }),
      undefined,
    );
    expect(basic).toMatchObject({ severity: 'error', fix: 'reconnect' });
    expect(basic.text).toMatch(/^Reconnect: Aircall refused the token \(401 from Aircall\)/);
    expect(problemsOf(account({ status: 'NEEDS_REAUTH', authType: 'OAUTH' }), undefined)[0].fix).toBe(
      'install',
    );
    expect(problemsOf(account({ status: 'UNINSTALLED', authType: 'OAUTH' }), undefined)[0].fix).toBe(
      'install',
    );
  });

  it('names a webhook Aircall disabled or that is missing, and a failed last run', () => {
    expect(problemsOf(account({ webhookActive: false }), undefined)).toEqual([
      expect.objectContaining({
        text: expect.stringMatching(/^Aircall disabled the webhook: register it again/),
        fix: 'register-webhook',
      }),
    ]);
    expect(problemsOf(account({ webhookId: null, webhookActive: null }), undefined)[0].fix).toBe(
      'register-webhook',
    );
    expect(webhookWords(account({ webhookActive: false }))).toBe('disabled by Aircall');
    const failed = problemsOf(account(), run({ status: 'failed', error: 'Aircall answered 500' }));
    expect(failed).toEqual([
      expect.objectContaining({ fix: 'sync', text: expect.stringContaining('Aircall answered 500') }),
    ]);
  });
});

describe('the recordings line of an account card', () => {
  const archive = (over: Partial<RecordingArchive> = {}): RecordingArchive => ({
    mode: 'archive',
    storage: 'local',
    enabled: true,
    pending: 0,
    archived: 0,
    failed: 0,
    expired: 0,
    deleted: 0,
    bytesStored: 0,
    ...over,
  });

  it('is absent when the service does not archive', () => {
    expect(archiveWords(null)).toBeNull();
    expect(archiveWords(archive({ mode: 'links' }))).toBeNull();
  });

  it('gives what is archived, where, and only the states that have files', () => {
    expect(archiveWords(archive({ archived: 12, bytesStored: 3.25 * 1024 * 1024 }))).toBe(
      '12 archived (3.3 MB, local)',
    );
    expect(
      archiveWords(
        archive({
          storage: 's3',
          archived: 900,
          bytesStored: 812 * 1024 * 1024,
          pending: 4,
          failed: 1,
          deleted: 2,
        }),
      ),
    ).toBe('900 archived (812 MB, s3) · 4 pending · 1 failed · 2 deleted');
  });

  it('says when the account has archiving switched off', () => {
    expect(archiveWords(archive({ enabled: false, archived: 3 }))).toBe(
      'archiving off for this account · 3 archived',
    );
  });
});
